/**
 * Test fixture: directStream behind `createPlanServer`, reading from a LocalStorage in a temp dir.
 * GET /files/<percent-encoded key> serves the key with the name, type and disposition given here.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeliveryRequest, Disposition, ResolvedFile } from '../contracts.js';
import { SendoffError, notFound } from '../errors/sendoff-error.js';
import { validateKey } from '../keys/validate-key.js';
import { LocalStorage } from '../storage/local-storage.js';
import { directStream } from '../strategies/direct-stream.js';
import { createPlanServer } from './plan-server.js';

export interface FixtureFile {
  key: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
  disposition?: Disposition;
}

export interface DirectStreamServer {
  baseUrl: string;
  /** The storage root as given and as resolved: neither may ever reach a client. */
  root: string;
  realRoot: string;
  urlPathOf(file: { key: string }): string;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Use this directory (the caller removes it) instead of a fresh temp dir. */
  root?: string;
  /** Lets a test observe or replace the resolved file before it is planned. */
  wrap?(file: ResolvedFile, request: DeliveryRequest): ResolvedFile;
}

/** Paths a client could send to escape the root or confuse the key check. */
export const BAD_REQUEST_PATHS = [
  '/files/../../etc/passwd',
  '/files/..%2F..%2Fetc%2Fpasswd',
  '/files/%2e%2e/%2e%2e/etc/passwd',
  '/files/%252e%252e%252fetc%252fpasswd',
  '/files/%2Fetc%2Fpasswd',
  '/files/docs%5C..%5C..%5Cwin.ini',
  '/files/a%00b.txt',
  '/files/a%0d%0aX-Accel-Redirect:%20/secret',
  '/files/%E0%A4%A',
  '/files/docs//report.txt',
  '/files/docs/%EF%BC%8E%EF%BC%8E/report.txt',
  `/files/${'a'.repeat(2000)}`,
  '/files/',
];

export async function startDirectStreamServer(files: FixtureFile[], options: FixtureOptions = {}): Promise<DirectStreamServer> {
  const ownRoot = options.root === undefined;
  const root = options.root ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-direct-')));
  for (const file of files) await writeFixture(root, file);
  const storage = new LocalStorage({ root });
  const strategy = directStream();
  const byKey = new Map(files.map((file) => [file.key.normalize('NFC'), file]));

  const planServer = await createPlanServer(async (request, url) => {
    const key = validateKey(keyFromPath(url.pathname));
    const [stat, location] = await Promise.all([storage.stat(key), storage.locate(key)]);
    const resolved: ResolvedFile = { key, stat, location, open: (openOptions) => storage.open(key, openOptions) };
    const file = options.wrap ? options.wrap(resolved, request) : resolved;
    const meta = byKey.get(key);
    return strategy.plan(request, file, {
      filename: meta?.filename ?? key.split('/').pop() ?? 'download',
      disposition: meta?.disposition ?? 'attachment',
      contentType: meta?.contentType ?? stat.contentType ?? 'application/octet-stream',
      headers: {},
    });
  });

  return {
    baseUrl: planServer.baseUrl,
    root,
    realRoot: await fsp.realpath(root),
    urlPathOf: (file) => `/files/${file.key.split('/').map(encodeURIComponent).join('/')}`,
    close: async () => {
      await planServer.close();
      if (ownRoot) await fsp.rm(root, { recursive: true, force: true });
    },
  };
}

function keyFromPath(pathname: string): string {
  if (!pathname.startsWith('/files/')) throw notFound();
  try {
    return decodeURIComponent(pathname.slice('/files/'.length));
  } catch (error) {
    throw new SendoffError('BAD_REQUEST', 'malformed percent-encoding', { cause: error });
  }
}

async function writeFixture(root: string, file: FixtureFile): Promise<void> {
  const target = path.join(root, ...file.key.split('/'));
  await fsp.mkdir(path.dirname(target), { recursive: true });
  await fsp.writeFile(target, file.bytes);
}
