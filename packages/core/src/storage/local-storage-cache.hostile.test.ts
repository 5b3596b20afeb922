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
import { SendoffError, isSendoffError } from '../errors/sendoff-error.js';
import { deliver } from '../node/index.js';
import { directStream } from '../strategies/direct-stream.js';
import { FallbackStorage } from './fallback-storage.js';
import { LocalStorage, type LocalStorageCacheOptions } from './local-storage.js';
import { openHandlesUnder, settledHandlesUnder } from '@sendoff-tools/test-kit';
import { codeOf } from './error-code.fixture.js';

const k = (value: string) => value as Key;

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
    deliverExtras = {};
    await app?.close();
    app = undefined;
    await fsp.rm(base, { recursive: true, force: true });
  });

  /** A node:http app delivering `/<key>` from a LocalStorage with `cache` through directStream. */
  /** Per path, what the app recorded of the file (`expectedSize`, `recorded`), as its database would. */
  let deliverExtras: Record<string, { expectedSize?: number; recorded?: { size: number; mtime: Date } }> = {};

  async function serve(cache: LocalStorageCacheOptions, over?: (local: LocalStorage) => FallbackStorage): Promise<string> {
    storage = new LocalStorage({ root, cache });
    const served = over ? over(storage) : storage;
    const deliverer = createDelivery({ environment: 'test', storage: served, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    const answer = async (req: IncomingMessage, res: ServerResponse) => {
      const key = decodeURIComponent((req.url ?? '/').slice(1));
      await deliver(req, res, deliverer, { key, ...deliverExtras[key] });
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

  /**
   * Renames a file of 1000 'B's over docs/f.bin (1000 'A's, whose first half `first` got), then
   * resumes with If-Range: a 206 under the old ETag must carry the old bytes, anything else must not
   * look whole, and the next resume finds the key looked up again (the new file, whole).
   */
  async function expectResumeAfterReplace(url: string, first: Got): Promise<void> {
    await replaceByRename('docs/f.bin', Buffer.from('B'.repeat(1000)), 10);
    const resumed = await get(`${url}/docs/f.bin`, { range: 'bytes=500-999', 'if-range': String(first.headers.etag) });
    if (looksWhole(resumed) && resumed.headers.etag === first.headers.etag) {
      expect(resumed.body.toString(), 'the second half, under the old ETag').to.equal('A'.repeat(500));
    }
    const again = await get(`${url}/docs/f.bin`, { range: 'bytes=500-999', 'if-range': String(first.headers.etag) });
    expect(again.status, 'the key is looked up again: the old ETag no longer matches').to.equal(200);
    expect(again.body.toString()).to.equal('B'.repeat(1000));
  }

  it('a same-size file renamed over a cached one is not served as a 206 under the old ETag (If-Range resume), lookups-only cache', async () => {
    const url = await serve({ maxAgeMs: 60_000, maxOpenFiles: 0 });
    const old = Buffer.from('A'.repeat(1000));
    await write('docs/f.bin', old);
    const first = await get(`${url}/docs/f.bin`, { range: 'bytes=0-499' });
    expect(first.status).to.equal(206);
    await expectResumeAfterReplace(url, first);
  });

  it('a same-size file renamed over a cached one is not served as a 206 under the old ETag, shared descriptors at their bound', async () => {
    const url = await serve({ maxAgeMs: 60_000, maxOpenFiles: 1 });
    await write('docs/hog.bin', 'keeps the only shared descriptor');
    const hog = await get(`${url}/docs/hog.bin`);
    expect(hog.status).to.equal(200);
    await write('docs/f.bin', Buffer.from('A'.repeat(1000)));
    const first = await get(`${url}/docs/f.bin`, { range: 'bytes=0-499' });
    expect(first.body.toString()).to.equal('A'.repeat(500));
    await expectResumeAfterReplace(url, first);
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
  it('leaves no descriptor open after a churn of full, ranged, HEAD, 304, 416 and abandoned downloads (maxEntries 1, maxOpenFiles 1)', async () => {
    const url = await serve({ maxAgeMs: 150, maxEntries: 1, maxOpenFiles: 1 });
    const big = Buffer.alloc(2 * 1024 * 1024);
    for (let index = 0; index < big.length; index++) big[index] = (index * 7) % 251;
    const files: Record<string, Buffer> = { 'docs/a.txt': Buffer.from('alpha'.repeat(100)), 'docs/b.txt': Buffer.from('bravo'.repeat(300)), 'big.bin': big };
    for (const [key, bytes] of Object.entries(files)) await write(key, bytes);
    const etags: Record<string, string> = {};
    for (const key of Object.keys(files)) etags[key] = String((await get(`${url}/${key}`, {}, 'HEAD')).headers.etag);
    const keys = Object.keys(files);
    const checks: Array<Promise<void>> = [];
    for (let index = 0; index < 180; index++) {
      const key = keys[index % keys.length] as string;
      const bytes = files[key] as Buffer;
      const kind = index % 6;
      const check = async (): Promise<void> => {
        if (kind === 0) {
          const got = await get(`${url}/${key}`);
          expect(got.status, key).to.equal(200);
          expect(got.body.equals(bytes), `${key} whole`).to.equal(true);
        } else if (kind === 1) {
          const got = await get(`${url}/${key}`, { range: 'bytes=3-200' });
          expect(got.status).to.equal(206);
          expect(got.body.equals(bytes.subarray(3, 201)), `${key} range`).to.equal(true);
        } else if (kind === 2) {
          const got = await get(`${url}/${key}`, {}, 'HEAD');
          expect([got.status, got.body.length]).to.deep.equal([200, 0]);
        } else if (kind === 3) {
          expect((await get(`${url}/${key}`, { 'if-none-match': etags[key] as string })).status).to.equal(304);
        } else if (kind === 4) {
          expect((await get(`${url}/${key}`, { range: `bytes=${bytes.length}-` })).status).to.equal(416);
        } else {
          await abandon(`${url}/big.bin`, index % 12 === 5 ? 0 : 100_000);
        }
      };
      checks.push(check());
      if (checks.length % 30 === 0) {
        await Promise.all(checks.splice(0));
        await sleep(index % 60 === 29 ? 200 : 0);
      }
    }
    await Promise.all(checks);
    await sleep(200);
    expect(await settledHandlesUnder(root), 'descriptors left open under the root').to.equal(0);
  });

  it('serves each key its own bytes while shared descriptors expire, are retired and reopened under concurrency', async () => {
    const url = await serve({ maxAgeMs: 5, maxEntries: 2, maxOpenFiles: 2 });
    const names = ['a', 'b', 'c', 'd'];
    for (const name of names) await write(`${name}.bin`, Buffer.alloc(300_000, name));
    const seen: string[] = [];
    for (let round = 0; round < 8; round++) {
      await Promise.all(
        names.flatMap((name, index) => [
          get(`${url}/${name}.bin`).then((got) => {
            if (looksWhole(got) && !got.body.equals(Buffer.alloc(300_000, name))) seen.push(`${name}: other bytes`);
            if (got.status !== 200) seen.push(`${name}: ${got.status}`);
          }),
          get(`${url}/${name}.bin`, { range: 'bytes=1000-1999' }).then((got) => {
            if (got.status !== 206 || !got.body.equals(Buffer.alloc(1000, name))) seen.push(`${name} range: ${got.status} ${got.body.subarray(0, 10).toString()}`);
          }),
          abandon(`${url}/${names[(index + round) % names.length] as string}.bin`, 1),
        ]),
      );
    }
    expect(seen).to.deep.equal([]);
    await sleep(50);
    expect(await settledHandlesUnder(root)).to.equal(0);
  });

  it('a link inside the root swapped to escape it is not found once maxAgeMs passed, shared descriptor or not', async () => {
    const outside = path.join(base, 'outside');
    await fsp.mkdir(outside);
    await fsp.writeFile(path.join(outside, 'secret.txt'), 'top secret, outside the root');
    await write('docs/a.txt', 'inside the root, same len!!');
    await fsp.symlink('a.txt', path.join(root, 'docs', 'link.txt'));
    const url = await serve({ maxAgeMs: 100 });
    expect((await get(`${url}/docs/link.txt`)).body.toString()).to.equal('inside the root, same len!!');
    expect((await get(`${url}/docs/link.txt`)).body.toString()).to.equal('inside the root, same len!!');
    await fsp.rm(path.join(root, 'docs', 'link.txt'));
    await fsp.symlink(path.join(outside, 'secret.txt'), path.join(root, 'docs', 'link.txt'));
    await sleep(150);
    for (const headers of [{}, { range: 'bytes=0-2' }] as Array<Record<string, string>>) {
      const got = await get(`${url}/docs/link.txt`, headers);
      expect(got.status).to.equal(404);
      expect(got.body.toString()).to.not.include('secret');
    }
    expect(await codeOf(storage.open(k('docs/link.txt')))).to.equal('NOT_FOUND');
    expect(await codeOf(storage.locate(k('docs/link.txt')))).to.equal('NOT_FOUND');
  });

  it('a directory swapped for a file, and a file for a directory, are seen as they are once maxAgeMs passed', async () => {
    await write('docs/a.txt', 'in a directory');
    const url = await serve({ maxAgeMs: 100 });
    expect((await get(`${url}/docs/a.txt`)).status).to.equal(200);
    expect((await get(`${url}/docs`)).status, 'a directory is never a file').to.equal(404);
    await fsp.rm(path.join(root, 'docs'), { recursive: true });
    await fsp.writeFile(path.join(root, 'docs'), 'now a file');
    expect((await get(`${url}/docs`)).body.toString(), 'a miss is never cached').to.equal('now a file');
    await sleep(150);
    expect((await get(`${url}/docs/a.txt`)).status).to.equal(404);
    await fsp.rm(path.join(root, 'docs'));
    await fsp.mkdir(path.join(root, 'docs'));
    await sleep(150);
    expect((await get(`${url}/docs`)).status).to.equal(404);
    expect(await settledHandlesUnder(root)).to.equal(0);
  });

  it('hostile keys given to the storage directly are refused as NOT_FOUND (or a storage error), are never cached, and leave no descriptor', async () => {
    const outside = path.join(base, 'outside.txt');
    await fsp.writeFile(outside, 'outside');
    await write('docs/a.txt', 'inside');
    storage = new LocalStorage({ root, cache: { maxAgeMs: 60_000, maxOpenFiles: 4 } });
    const hostile = ['../outside.txt', 'docs/../../outside.txt', outside, `/..${outside}`, '', '.', '..', 'docs', 'docs/', 'docs/a.txt\u0000', `${'x'.repeat(300)}/a`, 'docs/%2e%2e/a.txt'];
    for (const key of hostile) {
      for (const call of [() => storage.stat(k(key)), () => storage.open(k(key)), () => storage.locate(k(key)), () => storage.open(k(key), { range: { start: 0, end: 0 } })]) {
        const code = await codeOf(call().then((value) => (value && typeof (value as { destroy?: unknown }).destroy === 'function' ? (value as { destroy: () => void }).destroy() : value)));
        expect(['NOT_FOUND', 'STORAGE_ERROR'], JSON.stringify(key)).to.include(code);
      }
    }
    await fsp.writeFile(path.join(root, 'docs', 'late.txt'), 'late');
    expect((await storage.stat(k('docs/late.txt'))).size).to.equal(4);
    await sleep(20);
    expect(openHandlesUnder(root)).to.equal(0);
    expect(openHandlesUnder(outside)).to.equal(0);
  });

  it('refuses every malformed cache setting at construction with CONFIG_INVALID', () => {
    const bad: unknown[] = [
      'yes',
      5,
      [],
      { maxAgeMs: 0.5 },
      { maxAgeMs: -0 },
      { maxAgeMs: 1000, maxEntries: null },
      { maxAgeMs: 1000, maxEntries: 2 ** 53 },
      { maxAgeMs: 1000, maxEntries: '10' },
      { maxAgeMs: 1000, maxOpenFiles: 1.5 },
      { maxAgeMs: 1000, maxOpenFiles: null },
      { maxAgeMs: 1000, maxOpenFiles: '1' },
      { maxAgeMs: 1000, maxOpenFiles: Number.NaN },
      { maxAgeMs: 10n },
    ];
    for (const cache of bad) {
      expect(() => new LocalStorage({ root, cache: cache as LocalStorageCacheOptions }), String(JSON.stringify(cache, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))))
        .to.throw(SendoffError, /LocalStorage cache/)
        .with.property('code', 'CONFIG_INVALID');
    }
    for (const cache of [{ maxAgeMs: 1 }, { maxAgeMs: 60_000 }, { maxAgeMs: 1.5, maxEntries: 1, maxOpenFiles: 0 }]) {
      expect(() => new LocalStorage({ root, cache })).to.not.throw();
    }
  });

  it('FallbackStorage over a cached LocalStorage: a file arriving in the first storage is read from it at once; one gone from it is found in the next', async () => {
    const second = path.join(base, 'second');
    await fsp.mkdir(second);
    await fsp.writeFile(path.join(second, 'm.txt'), 'from the second storage');
    const url = await serve({ maxAgeMs: 60_000, maxOpenFiles: 0 }, (local) => new FallbackStorage([local, new LocalStorage({ root: second })]));
    expect((await get(`${url}/m.txt`)).body.toString()).to.equal('from the second storage');
    await write('m.txt', 'from the first storage!');
    const first = await get(`${url}/m.txt`);
    expect(first.body.toString(), 'a miss is never cached').to.equal('from the first storage!');
    await fsp.rm(path.join(root, 'm.txt'));
    const gone = await get(`${url}/m.txt`);
    if (looksWhole(gone)) expect(['from the first storage!', 'from the second storage']).to.include(gone.body.toString());
    const next = await get(`${url}/m.txt`);
    expect([next.status, next.body.toString()]).to.deep.equal([200, 'from the second storage']);
  });

  it('many concurrent first downloads of one key share at most one descriptor, all whole, none left after expiry', async () => {
    const bytes = Buffer.alloc(512 * 1024);
    for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 31) % 253;
    await write('docs/hot.bin', bytes);
    const url = await serve({ maxAgeMs: 300 });
    const results = await Promise.all(Array.from({ length: 60 }, (_, index) => get(`${url}/docs/hot.bin`, index % 2 ? { range: 'bytes=1000-' } : {})));
    for (const [index, got] of results.entries()) {
      expect(got.status).to.equal(index % 2 ? 206 : 200);
      expect(got.body.equals(index % 2 ? bytes.subarray(1000) : bytes)).to.equal(true);
    }
    // Downloads that found the one shared descriptor taken opened their own: closed once their stream is done.
    expect(await settledHandlesUnder(root, 1)).to.be.at.most(1);
    await sleep(400);
    expect(await settledHandlesUnder(root)).to.equal(0);
  });
  it('a download whose expectedSize the cached lookup contradicts looks the file up again instead of a 404 for maxAgeMs', async () => {
    const url = await serve({ maxAgeMs: 60_000 });
    await write('docs/v.txt', 'version 1');
    expect((await get(`${url}/docs/v.txt`)).body.toString()).to.equal('version 1');
    // Written by another process (not through this storage's put), then recorded by the app.
    await write('docs/v.txt', 'version 2, longer');
    deliverExtras['docs/v.txt'] = { expectedSize: 17 };
    const got = await get(`${url}/docs/v.txt`);
    expect([got.status, got.body.toString()]).to.deep.equal([200, 'version 2, longer']);
  });

  it('a download of recorded facts the cached file contradicts (its size) is served from the file as it is, not broken for maxAgeMs', async () => {
    const url = await serve({ maxAgeMs: 60_000 });
    await write('docs/v.txt', 'version 1');
    expect((await get(`${url}/docs/v.txt`)).body.toString()).to.equal('version 1');
    await write('docs/v.txt', 'version 2, longer');
    const { mtime } = await fsp.stat(path.join(root, 'docs', 'v.txt'));
    deliverExtras['docs/v.txt'] = { recorded: { size: 17, mtime } };
    const got = await get(`${url}/docs/v.txt`);
    expect(looksWhole(got) && got.body.toString()).to.equal('version 2, longer');
    const ranged = await get(`${url}/docs/v.txt`, { range: 'bytes=10-16' });
    expect([ranged.status, ranged.body.toString()]).to.deep.equal([206, 'longer'.padStart(7, ' ')]);
  });
  it('answers hostile ranges, conditionals and methods exactly as the uncached storage does, cold and hot', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, index) => (index * 11) % 256));
    await write('docs/r.bin', bytes);
    await write('docs/empty.bin', '');
    const cachedUrl = await serve({ maxAgeMs: 60_000, maxOpenFiles: 2 });
    const plain = new LocalStorage({ root });
    const plainDeliverer = createDelivery({ environment: 'test', storage: plain, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    const plainApp = await listen((req, res) => {
      void deliver(req, res, plainDeliverer, { key: decodeURIComponent((req.url ?? '/').slice(1)) }).catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        res.statusCode = isSendoffError(error) ? error.status : 500;
        res.end();
      });
    });
    try {
      const etag = String((await get(`${plainApp.url}/docs/r.bin`, {}, 'HEAD')).headers.etag);
      const ranges = ['bytes=0-0', 'bytes=69999-', 'bytes=-1', 'bytes=-70001', 'bytes=70000-', 'bytes=0-69999', 'bytes=5-4', 'bytes=0-1,3-4', 'bytes=abc', 'bytes=-0', 'bytes=1-99999999999999999999', 'items=0-1', 'bytes= 10 - 20', 'bytes=9007199254740992-', 'bytes=0-9007199254740992'];
      const cases: Array<[string, string, Record<string, string>]> = [];
      for (const key of ['docs/r.bin', 'docs/empty.bin', 'docs/missing.bin', 'docs']) {
        for (const range of ranges) cases.push(['GET', key, { range }]);
        cases.push(['GET', key, { 'if-none-match': etag }], ['GET', key, { 'if-match': '"nope"' }], ['HEAD', key, { range: 'bytes=0-9' }], ['POST', key, {}], ['GET', key, { range: 'bytes=0-9', 'if-range': '"other"' }], ['GET', key, { range: 'bytes=0-9', 'if-range': etag }]);
      }
      const strip = (got: Got) => {
        const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...headers } = got.headers;
        return { status: got.status, headers, body: got.body.toString('hex'), complete: got.complete };
      };
      for (let round = 0; round < 2; round++) {
        for (const [method, key, headers] of cases) {
          const expected = strip(await get(`${plainApp.url}/${key}`, headers, method));
          const actual = strip(await get(`${cachedUrl}/${key}`, headers, method));
          expect(actual, `${method} ${key} ${JSON.stringify(headers)} (round ${round})`).to.deep.equal(expected);
        }
      }
    } finally {
      await plainApp.close();
    }
  });
  for (const cache of [{ maxAgeMs: 30 }, { maxAgeMs: 30, maxOpenFiles: 0 }, { maxAgeMs: 30, maxEntries: 1, maxOpenFiles: 1 }]) {
    it(`every whole-looking answer is one version, under its own ETag, while the file is replaced under downloads, by put or by rename (${JSON.stringify(cache)})`, async () => {
      const url = await serve(cache);
      const versions = Array.from({ length: 8 }, (_, version) => Buffer.alloc(100_000 + version * 1_111, 65 + version));
      const byEtag = new Map<string, Buffer>();
      await write('docs/hot.bin', versions[0] as Buffer);
      byEtag.set((await new LocalStorage({ root }).stat(k('docs/hot.bin'))).etag, versions[0] as Buffer);
      const problems: string[] = [];
      let whole = 0;
      const answers: Array<[Got, [number, number] | undefined]> = [];
      const check = (got: Got, range: [number, number] | undefined) => {
        if (!looksWhole(got)) return;
        whole++;
        const version = byEtag.get(String(got.headers.etag));
        if (!version) return void problems.push(`unknown ETag ${String(got.headers.etag)}`);
        const expected = range ? version.subarray(range[0], range[1] + 1) : version;
        if (!got.body.equals(expected)) problems.push(`${got.status} under ${String(got.headers.etag)}: ${got.body.length} bytes of ${String.fromCharCode(got.body[0] ?? 0)}..${String.fromCharCode(got.body[got.body.length - 1] ?? 0)}`);
      };
      for (let version = 1; version < versions.length; version++) {
        const downloads = Array.from({ length: 12 }, (_, index) => {
          const range: [number, number] | undefined = index % 3 === 0 ? [50_000, 99_999] : undefined;
          return get(`${url}/docs/hot.bin`, range ? { range: `bytes=${range[0]}-${range[1]}` } : {}).then((got) => void answers.push([got, range]));
        });
        // Odd versions through this storage's put, even ones renamed into place by someone else.
        const bytes = versions[version] as Buffer;
        const written = version % 2
          ? storage.put(k('docs/hot.bin'), bytes).then((stat) => void byEtag.set(stat.etag, bytes))
          : fsp.writeFile(path.join(root, 'docs', 'other.tmp'), bytes).then(async () => {
            await fsp.rename(path.join(root, 'docs', 'other.tmp'), path.join(root, 'docs', 'hot.bin'));
            byEtag.set((await new LocalStorage({ root }).stat(k('docs/hot.bin'))).etag, bytes);
          });
        await Promise.all([...downloads, written]);
        // And downloads after the change, within maxAgeMs.
        await Promise.all(Array.from({ length: 6 }, (_, index) => {
          const range: [number, number] | undefined = index % 2 === 0 ? [50_000, 99_999] : undefined;
          return get(`${url}/docs/hot.bin`, range ? { range: `bytes=${range[0]}-${range[1]}` } : {}).then((got) => void answers.push([got, range]));
        }));
        await sleep(version % 2 ? 40 : 0);
      }
      for (const [got, range] of answers) check(got, range);
      expect(problems).to.deep.equal([]);
      expect(whole, 'most downloads went through').to.be.greaterThan(60);
      await sleep(100);
      expect(await settledHandlesUnder(root)).to.equal(0);
    });
  }
});
