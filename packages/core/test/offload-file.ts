/**
 * Test helper: a real directory with real files, and the ResolvedFile a LocalStorage would hand a
 * strategy for them (real paths, as the contract says).
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { DeliveryRequest, Key, ResolvedDeliveryOptions, ResolvedFile } from '../src/contracts.js';

export interface TempRoot {
  /** The directory that holds `root` and its siblings. */
  base: string;
  root: string;
  file(key: string, body?: string): Promise<ResolvedFile>;
  remove(): Promise<void>;
}

export async function tempRoot(): Promise<TempRoot> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'sendoff-strategy-')));
  const root = join(base, 'root');
  await mkdir(root);
  return {
    base,
    root,
    file: (key, body = 'hello') => localFile(root, key, body),
    remove: () => rm(base, { recursive: true, force: true }),
  };
}

export async function localFile(root: string, key: string, body = 'hello'): Promise<ResolvedFile> {
  const path = join(root, key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, body);
  const realRoot = await realpath(root);
  return {
    key: key as Key,
    stat: { size: Buffer.byteLength(body), mtime: new Date('2026-01-02T03:04:05Z'), etag: '"abc-123"', contentType: 'text/plain' },
    location: { kind: 'local', root: realRoot, path: await realpath(path), key: key as Key },
    open: async () => Readable.from([Buffer.from(body)]),
  };
}

export const GET: DeliveryRequest = { method: 'GET', headers: {} };

/** A request full of headers an offload plan must ignore. */
export const CONDITIONAL_RANGE: DeliveryRequest = {
  method: 'GET',
  headers: { range: 'bytes=0-1', 'if-none-match': '"abc-123"', 'if-modified-since': 'Sat, 01 Jan 2050 00:00:00 GMT', 'if-range': '"abc-123"' },
};

export function options(overrides: Partial<ResolvedDeliveryOptions> = {}): ResolvedDeliveryOptions {
  return { filename: 'report.pdf', disposition: 'attachment', contentType: 'application/pdf', headers: {}, ...overrides };
}
