/**
 * LocalStorage's opt-in `cache` under hostile conditions, through real HTTP (`deliver` of
 * `@sendoff/core/node` on a node:http server) and on the storage itself: files changed on disk
 * within `maxAgeMs`, descriptors under churn, containment after expiry.
 */
import fs, { promises as fsp } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { listen } from '@sendoff-tools/test-kit';
import type { Key } from '../contracts.js';
import { createDelivery } from '../deliverer/create-delivery.js';
import { isSendoffError } from '../errors/sendoff-error.js';
import { deliver } from '../node/index.js';
import { directStream } from '../strategies/direct-stream.js';
import { LocalStorage, type LocalStorageCacheOptions } from './local-storage.js';

const k = (value: string) => value as Key;

/** Descriptors this process has open that point at `dir` (or under it). */
function descriptorsUnder(dir: string): number {
  let count = 0;
  for (const entry of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${entry}`).startsWith(dir)) count++;
    } catch {
      // closed between the listing and the read
    }
  }
  return count;
}

/** What a client got: the status, the headers, the body bytes, and whether the body ended whole (not cut). */
interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  complete: boolean;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve) => {
    const req = http.request(url, { method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      let done = false;
      const finish = (complete: boolean) => {
        if (done) return;
        done = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete });
      };
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish(res.complete));
      res.on('error', () => finish(false));
      res.on('close', () => finish(false));
    });
    // A connection broken before the head (the body failed at once): no response at all.
    req.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), complete: false }));
    req.end();
  });
}

/** A GET that reads `atLeast` body bytes (or the head only when 0), then destroys its connection. */
function abandon(url: string, atLeast: number, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      let bytes = 0;
      if (atLeast === 0) {
        req.destroy();
        resolve();
        return;
      }
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes < atLeast) return;
        req.destroy();
        resolve();
      });
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('error', () => resolve());
  });
}

/** A response that is a whole, successful answer a client would keep. */
function looksWhole(got: Got): boolean {
  return (got.status === 200 || got.status === 206) && got.complete && got.body.length === Number(got.headers['content-length']);
}

describe('LocalStorage cache (opt-in), hostile', () => {
  let base: string;
  let root: string;
  let storage: LocalStorage;
  let app: { url: string; close: () => Promise<void> } | undefined;

  beforeEach(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-local-cache-hostile-'));
    root = path.join(await fsp.realpath(base), 'root');
    await fsp.mkdir(path.join(root, 'docs'), { recursive: true });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await fsp.rm(base, { recursive: true, force: true });
  });

  /** A node:http app delivering `/<key>` from a LocalStorage with `cache` through directStream. */
  async function serve(cache: LocalStorageCacheOptions): Promise<string> {
    storage = new LocalStorage({ root, cache });
    const deliverer = createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    const answer = async (req: IncomingMessage, res: ServerResponse) => {
      await deliver(req, res, deliverer, { key: decodeURIComponent((req.url ?? '/').slice(1)) });
    };
    app = await listen((req, res) => {
      void answer(req, res).catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.statusCode = isSendoffError(error) ? error.status : 500;
        res.end();
      });
    });
    return app.url;
  }

  const write = (key: string, bytes: Buffer | string) => fsp.writeFile(path.join(root, ...key.split('/')), bytes);

  /** Replaces `key` by renaming a new file over it (a new inode), with a modification time `secondsLater` on. */
  async function replaceByRename(key: string, bytes: Buffer, secondsLater: number): Promise<void> {
    const target = path.join(root, ...key.split('/'));
    const temp = `${target}.tmp`;
    await fsp.writeFile(temp, bytes);
    const { mtime } = await fsp.stat(target);
    const later = new Date(mtime.getTime() + secondsLater * 1000);
    await fsp.utimes(temp, later, later);
    await fsp.rename(temp, target);
  }

  it('a same-size file renamed over a cached one is not served as a 206 under the old ETag (If-Range resume), lookups-only cache', async () => {
    const url = await serve({ maxAgeMs: 60_000, maxOpenFiles: 0 });
    const old = Buffer.from('A'.repeat(1000));
    await write('docs/f.bin', old);
    const first = await get(`${url}/docs/f.bin`, { range: 'bytes=0-499' });
    expect(first.status).to.equal(206);
    await replaceByRename('docs/f.bin', Buffer.from('B'.repeat(1000)), 10);
    const resumed = await get(`${url}/docs/f.bin`, { range: 'bytes=500-999', 'if-range': String(first.headers.etag) });
    // A 206 under the old ETag must carry the old bytes; anything else must not look whole.
    if (looksWhole(resumed) && resumed.headers.etag === first.headers.etag) {
      expect(resumed.body.toString(), 'the second half, under the old ETag').to.equal('A'.repeat(500));
    }
    const again = await get(`${url}/docs/f.bin`, { range: 'bytes=500-999', 'if-range': String(first.headers.etag) });
    expect(again.status, 'the key is looked up again: the old ETag no longer matches').to.equal(200);
    expect(again.body.toString()).to.equal('B'.repeat(1000));
  });

  it('a same-size file renamed over a cached one is not served as a 206 under the old ETag, shared descriptors at their bound', async () => {
    const url = await serve({ maxAgeMs: 60_000, maxOpenFiles: 1 });
    await write('docs/hog.bin', 'keeps the only shared descriptor');
    const hog = await get(`${url}/docs/hog.bin`);
    expect(hog.status).to.equal(200);
    await write('docs/f.bin', Buffer.from('A'.repeat(1000)));
    const first = await get(`${url}/docs/f.bin`, { range: 'bytes=0-499' });
    expect(first.body.toString()).to.equal('A'.repeat(500));
    await replaceByRename('docs/f.bin', Buffer.from('B'.repeat(1000)), 10);
    const resumed = await get(`${url}/docs/f.bin`, { range: 'bytes=500-999', 'if-range': String(first.headers.etag) });
    if (looksWhole(resumed) && resumed.headers.etag === first.headers.etag) {
      expect(resumed.body.toString(), 'the second half, under the old ETag').to.equal('A'.repeat(500));
    }
    const again = await get(`${url}/docs/f.bin`, { range: 'bytes=500-999', 'if-range': String(first.headers.etag) });
    expect(again.status, 'the key is looked up again: the old ETag no longer matches').to.equal(200);
    expect(again.body.toString()).to.equal('B'.repeat(1000));
  });

  it('a file rewritten in place to a longer one is not served clipped to the old length as a whole-looking 200 (shared descriptor)', async () => {
    const url = await serve({ maxAgeMs: 60_000 });
    await write('docs/f.txt', 'old contents');
    const first = await get(`${url}/docs/f.txt`);
    expect(first.body.toString()).to.equal('old contents');
    await write('docs/f.txt', 'new contents, longer than before');
    const second = await get(`${url}/docs/f.txt`);
    if (looksWhole(second)) {
      expect(['old contents', 'new contents, longer than before'], 'a whole-looking body is one of the two files').to.include(second.body.toString());
    }
    const third = await get(`${url}/docs/f.txt`);
    expect(looksWhole(third) && third.body.toString()).to.equal('new contents, longer than before');
  });

  it('a file rewritten in place to the same size is not served as a whole-looking mix (shared descriptor)', async () => {
    const url = await serve({ maxAgeMs: 60_000 });
    await write('docs/f.txt', 'old contents');
    const first = await get(`${url}/docs/f.txt`, { range: 'bytes=0-5' });
    expect(first.body.toString()).to.equal('old co');
    await sleep(20);
    await write('docs/f.txt', 'NEW CONTENTS');
    const second = await get(`${url}/docs/f.txt`, { range: 'bytes=6-11', 'if-range': String(first.headers.etag) });
    if (looksWhole(second) && second.headers.etag === first.headers.etag) {
      expect(second.body.toString(), 'the rest of the old file under its ETag').to.equal('ntents');
    }
    const third = await get(`${url}/docs/f.txt`, { range: 'bytes=6-11', 'if-range': String(first.headers.etag) });
    expect(third.status).to.equal(200);
    expect(third.body.toString()).to.equal('NEW CONTENTS');
  });

  it('a file truncated in place within maxAgeMs breaks the transfer instead of a short 200, and the next download looks it up again (shared descriptor)', async () => {
    const url = await serve({ maxAgeMs: 60_000 });
    await write('docs/f.txt', 'a file that will be truncated');
    expect((await get(`${url}/docs/f.txt`)).status).to.equal(200);
    await fsp.truncate(path.join(root, 'docs', 'f.txt'), 5);
    const second = await get(`${url}/docs/f.txt`);
    expect(looksWhole(second), `${second.status} ${second.body.toString()}`).to.equal(false);
    const third = await get(`${url}/docs/f.txt`);
    expect(looksWhole(third) && third.body.toString(), 'looked up again at once').to.equal('a fil');
  });
});
