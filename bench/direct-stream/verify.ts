/**
 * Before measuring anything, each server must answer with the right bytes: a 4 KiB file and the
 * large file byte for byte (sha256), the announced Content-Length, and a 404 for a missing file.
 * A server that fails here would make the benchmark measure errors, so the run stops.
 */
import type { ChildServer } from '@sendoff-tools/test-kit';
import { request } from '@sendoff-tools/test-kit';
import { sha256, type Fixtures } from './fixtures.js';

export async function verifyServer(server: ChildServer, fixtures: Fixtures): Promise<void> {
  for (const path of [fixtures.smallPaths[0]!, fixtures.largePath]) await verifyFile(server, fixtures, path);
  await verifyMissing(server);
}

async function verifyFile(server: ChildServer, fixtures: Fixtures, path: string): Promise<void> {
  const response = await request(server.origin + path);
  const problem = problemOf(response.status, response.headers['content-length'], response.body, fixtures.digests.get(path));
  if (problem) throw new Error(`${server.name} GET ${path}: ${problem}`);
}

function problemOf(status: number, contentLength: string | undefined, body: Buffer, digest: string | undefined): string | undefined {
  if (status !== 200) return `status ${status}, expected 200`;
  if (contentLength !== String(body.length)) return `Content-Length ${contentLength} but ${body.length} body bytes`;
  if (sha256(body) !== digest) return 'body differs from the file';
  return undefined;
}

async function verifyMissing(server: ChildServer): Promise<void> {
  const response = await request(`${server.origin}/small/missing.txt`);
  if (response.status !== 404) throw new Error(`${server.name} GET a missing file: status ${response.status}, expected 404`);
}
