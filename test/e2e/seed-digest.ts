/** SHA-256 digests (hex) of bytes and of the example app's seed files, to compare downloads with. */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SEED_FILES } from '../../examples/koa-app/src/seed/seed-data.js';
import { digestOf } from '../migrate/harness.js';

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The digest of the seed file named `name` (as the app lists it). */
export async function seedDigest(name: string): Promise<string> {
  const seed = SEED_FILES.find((file) => file.name === name);
  if (seed === undefined) throw new Error(`no seed file ${name}`);
  const body = seed.body();
  return Buffer.isBuffer(body) ? sha256(body) : digestOf(body as Readable);
}
