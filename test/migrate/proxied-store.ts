/**
 * The set-up several migrate tests share: a fresh s3rver with the test bucket, a CorruptingProxy in
 * front of it (the CLI talks to the proxy), and a temporary source tree holding `files`.
 */
import { rm } from 'node:fs/promises';
import { CorruptingProxy } from './corrupting-proxy.js';
import { BUCKET, LocalS3, makeTempDir, writeTree } from './harness.js';

export interface ProxiedStore {
  s3: LocalS3;
  proxy: CorruptingProxy;
  source: string;
}

export async function startProxiedStore(name: string, files: Record<string, Buffer | string>): Promise<ProxiedStore> {
  const s3 = await LocalS3.start();
  await s3.createBucket(BUCKET);
  const proxy = new CorruptingProxy(s3.endpoint);
  await proxy.start();
  const source = await makeTempDir(name);
  await writeTree(source, files);
  return { s3, proxy, source };
}

export async function stopProxiedStore({ s3, proxy, source }: ProxiedStore): Promise<void> {
  await proxy.stop();
  await s3.stop();
  await rm(source, { recursive: true, force: true });
}
