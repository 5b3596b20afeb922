/** An RSA key pair for CloudFront signing tests (its temp directory removed by `remove()`), and openssl's verdict on a CloudFront signature. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCloudFrontBase64 } from './cloudfront-verify.js';
import { runProcess } from './run-process.js';

export interface TestKeyPair {
  keyPairId: string;
  privateKey: string;
  publicKey: string;
  /** Whether `openssl dgst -sha1 -verify` accepts `signature` (CloudFront base64) for `policy`. */
  opensslVerifies(policy: string, signature: string): Promise<boolean>;
  remove(): Promise<void>;
}

export async function createTestKeyPair(keyPairId = 'K2JCJMDEHXQW5F'): Promise<TestKeyPair> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const directory = await mkdtemp(join(tmpdir(), 'sendoff-cloudfront-'));
  const publicPath = join(directory, 'pub.pem');
  await writeFile(publicPath, publicKey);
  let checks = 0;
  return {
    keyPairId,
    privateKey,
    publicKey,
    async opensslVerifies(policy, signature) {
      const bytes = decodeCloudFrontBase64(signature);
      if (bytes === undefined) return false;
      checks += 1;
      const policyPath = join(directory, `policy-${checks}.json`);
      const signaturePath = join(directory, `sig-${checks}.bin`);
      await writeFile(policyPath, policy);
      await writeFile(signaturePath, bytes);
      const result = await runProcess('openssl', ['dgst', '-sha1', '-verify', publicPath, '-signature', signaturePath, policyPath]);
      return result.code === 0 && result.stdout.trim() === 'Verified OK';
    },
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
