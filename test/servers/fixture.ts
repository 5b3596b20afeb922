/**
 * A data directory for the integration tests: files whose names are hard for every layer (spaces,
 * accents, `%`, `#`, `?`, quotes, `+`, emoji), readable by the servers' worker user.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FixtureFile {
  key: string;
  body: Buffer;
}

/** Bytes that differ at every offset, so a wrong range can never look right. */
function bytesOf(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed.charCodeAt(i % seed.length)) & 0xff;
  return out;
}

export const HARD_KEYS = [
  'plain.bin',
  'with spaces/a file name.txt',
  'Résumé – naïve.pdf',
  '100% done #1?.txt',
  'quote"and\'apostrophe.txt',
  'plus+sign.txt',
  'emoji 🎉 party.txt',
  'dir%2541/percent#hash?query.bin',
  '50% off #2.txt',
  "paren(s)!*~.txt",
] as const;

export interface Fixture {
  root: string;
  files: FixtureFile[];
  byKey(key: string): FixtureFile;
  remove(): Promise<void>;
}

/**
 * The keys get bytes that differ at every offset; a `FixtureFile` keeps its own body (a hostile
 * HTML page, say).
 */
export async function createFixture(keys: readonly (string | FixtureFile)[] = HARD_KEYS): Promise<Fixture> {
  const base = await mkdtemp(join(tmpdir(), 'sendoff-data-'));
  await chmod(base, 0o755);
  const root = join(base, 'root');
  await mkdir(root, { mode: 0o755 });
  // A sibling that shares the root's name as a prefix: what a sloppy prefix check would expose.
  await mkdir(join(base, 'root-secret'), { mode: 0o755 });
  await writeFile(join(base, 'root-secret', 'secret.txt'), 'outside the root\n', { mode: 0o644 });
  await writeFile(join(base, 'outside.txt'), 'outside the root\n', { mode: 0o644 });
  const files: FixtureFile[] = [];
  for (const [index, entry] of keys.entries()) {
    const key = typeof entry === 'string' ? entry : entry.key;
    const path = join(root, key);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    const body = typeof entry === 'string' ? bytesOf(key, 1000 + index * 137) : entry.body;
    await writeFile(path, body, { mode: 0o644 });
    files.push({ key, body });
  }
  await chmodTree(root);
  return {
    root,
    files,
    byKey: (key) => files.find((file) => file.key === key) ?? fail(key),
    remove: () => rm(base, { recursive: true, force: true }),
  };
}

async function chmodTree(root: string): Promise<void> {
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    await chmod(path, entry.isDirectory() ? 0o755 : 0o644);
  }
}

function fail(key: string): never {
  throw new Error(`no fixture file ${key}`);
}
