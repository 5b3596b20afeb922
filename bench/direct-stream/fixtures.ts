/**
 * The files every server serves, in one temp directory: many 4 KiB text files (request rate)
 * and one large binary file (throughput and memory under concurrent downloads).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SMALL_SIZE = 4 * 1024;

export interface Fixtures {
  root: string;
  /** URL paths (and sendoff keys, without the leading `/`) of the 4 KiB files. */
  smallPaths: string[];
  largePath: string;
  largeSize: number;
  /** sha256 (hex) of each file by URL path. */
  digests: Map<string, string>;
  remove(): Promise<void>;
}

export interface FixtureOptions {
  smallCount: number;
  largeSize: number;
}

export async function createFixtures(options: FixtureOptions): Promise<Fixtures> {
  const root = await mkdtemp(join(tmpdir(), 'sendoff-bench-'));
  const digests = new Map<string, string>();
  await mkdir(join(root, 'small'));
  await mkdir(join(root, 'large'));
  const smallPaths: string[] = [];
  for (let i = 0; i < options.smallCount; i++) {
    const name = `small/${String(i).padStart(4, '0')}.txt`;
    const body = smallBody(i);
    await writeFile(join(root, name), body);
    smallPaths.push(`/${name}`);
    digests.set(`/${name}`, sha256(body));
  }
  const largePath = '/large/large.bin';
  digests.set(largePath, await writeRandomFile(join(root, largePath), options.largeSize));
  return {
    root,
    smallPaths,
    largePath,
    largeSize: options.largeSize,
    digests,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** ASCII text, distinct per file, exactly SMALL_SIZE bytes (so a body string length equals its byte length). */
function smallBody(index: number): Buffer {
  const line = `file ${index} of the sendoff benchmark\n`;
  return Buffer.from(line.repeat(Math.ceil(SMALL_SIZE / line.length)).slice(0, SMALL_SIZE), 'ascii');
}

async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(4 * 2 ** 20, size - written));
      await handle.write(chunk);
      hash.update(chunk);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
