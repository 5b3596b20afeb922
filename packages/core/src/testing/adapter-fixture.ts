/**
 * The files and routes every adapter serves in the adapter conformance kit: a storage root any
 * front server's worker user can read, files whose names are hard for every layer, a large file
 * for the client-gone check, and the mapping from a request path to what to deliver.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Disposition } from '../contracts.js';
import type { DeliverOptions } from '../deliverer/types.js';
import { SendoffError } from '../errors/sendoff-error.js';
import type { ConformanceFile } from './conformance.js';

/** What an adapter under test delivers for a request path; `undefined`: the path names nothing (404). */
export type ResolveDownload = (urlPath: string) => DeliverOptions | undefined;

interface NamedFile {
  id: string;
  key: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
  disposition: Disposition;
}

const NAMED_FILES: NamedFile[] = [
  { id: 'report', key: 'docs/report.txt', bytes: Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(40)), filename: 'report.txt', contentType: 'text/plain; charset=utf-8', disposition: 'inline' },
  { id: 'resume', key: 'u/alice/0001', bytes: Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 13) % 256)), filename: 'Résumé – naïve.pdf', contentType: 'application/pdf', disposition: 'attachment' },
  { id: 'odd', key: 'u/alice/0002', bytes: Buffer.from('tiny but odd'), filename: 'quote"and\\back/slash 100% #1?.txt', contentType: 'text/plain', disposition: 'attachment' },
  { id: 'emoji', key: 'u/alice/0003', bytes: Buffer.from('🎉'.repeat(40)), filename: '🎉 party.txt', contentType: 'text/plain; charset=utf-8', disposition: 'inline' },
];

/** A path that delivers the key written after it, percent-decoded and otherwise as the client sent it. */
const RAW_PREFIX = '/raw/';
const FILES_PREFIX = '/files/';
/** The large file: more than a client's socket buffers hold, so a client that leaves does so mid-body. */
export const LARGE_PATH = '/large';
const LARGE_KEY = 'large/file.bin';
const LARGE_SIZE = 32 * 1024 * 1024;

/** Hostile keys sent as they are: every one must get a 4xx, never a 5xx or a file. */
export const BAD_KEY_PATHS = [
  '/raw/../../etc/passwd',
  '/raw/..%2F..%2Fetc%2Fpasswd',
  '/raw/%2e%2e/%2e%2e/etc/passwd',
  '/raw/%252e%252e%252fetc%252fpasswd',
  '/raw/%2Fetc%2Fpasswd',
  '/raw/docs%5C..%5C..%5Cwin.ini',
  '/raw/a%00b.txt',
  '/raw/a%0d%0aX-Accel-Redirect:%20/secret',
  '/raw/%E0%A4%A',
  '/raw/docs//report.txt',
  '/raw/docs/%EF%BC%8E%EF%BC%8E/report.txt',
  `/raw/${'a'.repeat(2000)}`,
  '/raw/',
];
export const MISSING_PATH = '/raw/docs/missing.txt';

export interface AdapterFixture {
  /** The storage root, real path (symlinks resolved). */
  root: string;
  large: Buffer;
  files(): ConformanceFile[];
  resolve: ResolveDownload;
  remove(): Promise<void>;
}

export async function createAdapterFixture(): Promise<AdapterFixture> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'sendoff-adapter-')));
  const root = join(base, 'root');
  const large = randomBytes(LARGE_SIZE);
  try {
    await chmod(base, 0o755);
    for (const file of NAMED_FILES) await writeReadable(root, file.key, file.bytes);
    await writeReadable(root, LARGE_KEY, large);
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    throw error;
  }
  return {
    root,
    large,
    files: () => NAMED_FILES.map(({ id, bytes, filename, contentType, disposition }) => ({ urlPath: `${FILES_PREFIX}${id}`, bytes, filename, contentType, disposition })),
    resolve: resolveDownload,
    remove: () => rm(base, { recursive: true, force: true }),
  };
}

function resolveDownload(urlPath: string): DeliverOptions | undefined {
  const path = urlPath.split('?')[0] ?? '';
  if (path === LARGE_PATH) return { key: LARGE_KEY, contentType: 'application/octet-stream' };
  if (path.startsWith(RAW_PREFIX)) return { key: percentDecoded(path.slice(RAW_PREFIX.length)) };
  const file = NAMED_FILES.find((named) => path === `${FILES_PREFIX}${named.id}`);
  if (file === undefined) return undefined;
  const { key, filename, contentType, disposition } = file;
  return { key, filename, contentType, disposition };
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    throw new SendoffError('BAD_REQUEST', 'malformed percent-encoding', { cause: error });
  }
}

/** Writes a file (and its directories) that a web server's worker user can read. */
async function writeReadable(root: string, key: string, bytes: Buffer): Promise<void> {
  const path = join(root, key);
  let dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  while (dir.length >= root.length) {
    await chmod(dir, 0o755);
    dir = dirname(dir);
  }
  await writeFile(path, bytes, { mode: 0o644 });
}
