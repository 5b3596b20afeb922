/**
 * LocalStorage's opt-in `cache`: what is reused (the checked lookup, a shared descriptor), for how
 * long, what is never reused (a missing file, a key written through the storage), and that a
 * shared descriptor is closed once retired and its last reader is done (counted in /proc/self/fd).
 */
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { expect } from 'chai';
import type { Key } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { LocalStorage, type LocalStorageCacheOptions } from './local-storage.js';
import { openHandlesUnder } from '@sendoff-tools/test-kit';
import { codeOf } from './error-code.fixture.js';

const k = (value: string) => value as Key;


describe('LocalStorage cache (opt-in)', () => {
  let base: string;
  let root: string;

  beforeEach(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-local-cache-'));
    root = path.join(await fsp.realpath(base), 'root');
    await fsp.mkdir(path.join(root, 'docs'), { recursive: true });
    await fsp.writeFile(path.join(root, 'docs', 'a.txt'), 'first version');
  });

  afterEach(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  const storageWith = (cache?: LocalStorageCacheOptions) => new LocalStorage({ root, ...(cache && { cache }) });

  it('is off by default: a file changed on disk is seen at once', async () => {
    const storage = storageWith();
    expect((await storage.stat(k('docs/a.txt'))).size).to.equal(13);
    await fsp.writeFile(path.join(root, 'docs', 'a.txt'), 'second, longer version');
    expect((await storage.stat(k('docs/a.txt'))).size).to.equal(22);
    expect(await text(await storage.open(k('docs/a.txt')))).to.equal('second, longer version');
  });

  it('reuses a lookup for up to maxAgeMs, then looks again', async () => {
    const storage = storageWith({ maxAgeMs: 300 });
    const first = await storage.stat(k('docs/a.txt'));
    await fsp.writeFile(path.join(root, 'docs', 'a.txt'), 'second, longer version');
    expect((await storage.stat(k('docs/a.txt'))).etag).to.equal(first.etag);
    expect((await storage.locate(k('docs/a.txt'))).path).to.equal(path.join(root, 'docs', 'a.txt'));
    await sleep(350);
    expect((await storage.stat(k('docs/a.txt'))).size).to.equal(22);
  });

  it('never caches a missing file: it is found as soon as it exists', async () => {
    const storage = storageWith({ maxAgeMs: 60_000 });
    expect(await codeOf(storage.stat(k('docs/new.txt')))).to.equal('NOT_FOUND');
    await fsp.writeFile(path.join(root, 'docs', 'new.txt'), 'new');
    expect((await storage.stat(k('docs/new.txt'))).size).to.equal(3);
  });

  it('forgets a key written through the storage at once', async () => {
    const storage = storageWith({ maxAgeMs: 60_000 });
    await text(await storage.open(k('docs/a.txt')));
    await storage.stat(k('docs/a.txt'));
    await storage.put(k('docs/a.txt'), Buffer.from('written through put'));
    expect((await storage.stat(k('docs/a.txt'))).size).to.equal(19);
    expect(await text(await storage.open(k('docs/a.txt')))).to.equal('written through put');
  });

  it('shares one descriptor between the downloads of a hot file, ranges included', async () => {
    const storage = storageWith({ maxAgeMs: 60_000 });
    const before = openHandlesUnder(root);
    await storage.stat(k('docs/a.txt'));
    expect(await text(await storage.open(k('docs/a.txt')))).to.equal('first version');
    const streams: Readable[] = [];
    for (let index = 0; index < 5; index++) streams.push(await storage.open(k('docs/a.txt'), { range: { start: 6, end: 12 } }));
    expect(openHandlesUnder(root) - before).to.equal(1);
    expect(await Promise.all(streams.map((stream) => text(stream)))).to.deep.equal(Array(5).fill('version'));
    expect(await text(await storage.open(k('docs/a.txt')))).to.equal('first version');
    expect(openHandlesUnder(root) - before).to.equal(1);
  });

  it('refuses a range beyond the shared file as the uncached open does', async () => {
    const storage = storageWith({ maxAgeMs: 60_000 });
    await storage.stat(k('docs/a.txt'));
    await text(await storage.open(k('docs/a.txt')));
    expect(await codeOf(storage.open(k('docs/a.txt'), { range: { start: 5, end: 13 } }))).to.equal('RANGE_NOT_SATISFIABLE');
  });

  it('closes a shared descriptor after maxAgeMs, and not under a reader still reading', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    await fsp.writeFile(path.join(root, 'big.bin'), big);
    const storage = storageWith({ maxAgeMs: 200 });
    const before = openHandlesUnder(root);
    await storage.stat(k('big.bin'));
    await text(await storage.open(k('big.bin')));
    const slow = await storage.open(k('big.bin'));
    const chunks: Buffer[] = [];
    slow.pause();
    await sleep(300);
    expect(openHandlesUnder(root) - before, 'kept open for the paused reader').to.equal(1);
    for await (const chunk of slow) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(big)).to.equal(true);
    await sleep(20);
    expect(openHandlesUnder(root) - before, 'closed once retired and read').to.equal(0);
  });

  it('closes a retired descriptor when its last reader is destroyed mid-file', async () => {
    await fsp.writeFile(path.join(root, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
    const storage = storageWith({ maxAgeMs: 60_000 });
    const before = openHandlesUnder(root);
    await storage.stat(k('big.bin'));
    const reader = await storage.open(k('big.bin'));
    // Paused after its first chunk: left flowing, it would read to the end before the put is done.
    await new Promise<void>((resolve) => reader.once('data', () => {
      reader.pause();
      resolve();
    }));
    await storage.put(k('big.bin'), Buffer.from('replaced'));
    expect(openHandlesUnder(root) - before, 'the reader still has it').to.equal(1);
    reader.destroy();
    await new Promise((resolve) => reader.once('close', resolve));
    // The descriptor is closed asynchronously once the reader's 'close' is out.
    await sleep(20);
    expect(openHandlesUnder(root) - before).to.equal(0);
  });

  it('keeps at most maxOpenFiles descriptors shared; further downloads open their own and close them', async () => {
    for (const name of ['one', 'two', 'three']) await fsp.writeFile(path.join(root, `${name}.txt`), name);
    const storage = storageWith({ maxAgeMs: 60_000, maxOpenFiles: 1 });
    const before = openHandlesUnder(root);
    for (let round = 0; round < 2; round++) {
      for (const name of ['one', 'two', 'three']) {
        await storage.stat(k(`${name}.txt`));
        expect(await text(await storage.open(k(`${name}.txt`)))).to.equal(name);
      }
    }
    expect(openHandlesUnder(root) - before).to.equal(1);
  });

  it('with maxOpenFiles 0 caches lookups only', async () => {
    const storage = storageWith({ maxAgeMs: 60_000, maxOpenFiles: 0 });
    const before = openHandlesUnder(root);
    await storage.stat(k('docs/a.txt'));
    expect(await text(await storage.open(k('docs/a.txt')))).to.equal('first version');
    expect(openHandlesUnder(root) - before).to.equal(0);
  });

  it('checks containment again once an entry is stale: a link swapped in that escapes the root is not found', async () => {
    const outside = path.join(base, 'outside');
    await fsp.mkdir(outside);
    await fsp.writeFile(path.join(outside, 'a.txt'), 'top secret!!!');
    const storage = storageWith({ maxAgeMs: 100 });
    await storage.stat(k('docs/a.txt'));
    await fsp.rm(path.join(root, 'docs'), { recursive: true });
    await fsp.symlink(outside, path.join(root, 'docs'));
    await sleep(150);
    expect(await codeOf(storage.stat(k('docs/a.txt')))).to.equal('NOT_FOUND');
    expect(await codeOf(storage.open(k('docs/a.txt')))).to.equal('NOT_FOUND');
  });

  it('refuses settings that would not bound the staleness or the descriptors', () => {
    const bad: unknown[] = [
      {},
      { maxAgeMs: 0 },
      { maxAgeMs: -1 },
      { maxAgeMs: 60_001 },
      { maxAgeMs: Number.NaN },
      { maxAgeMs: Number.POSITIVE_INFINITY },
      { maxAgeMs: '1000' },
      { maxAgeMs: 1000, maxEntries: 0 },
      { maxAgeMs: 1000, maxEntries: 1.5 },
      { maxAgeMs: 1000, maxOpenFiles: -1 },
      { maxAgeMs: 1000, maxOpenFiles: Number.POSITIVE_INFINITY },
      null,
      true,
    ];
    for (const cache of bad) {
      expect(() => new LocalStorage({ root, cache: cache as LocalStorageCacheOptions }), JSON.stringify(cache))
        .to.throw(SendoffError, /LocalStorage cache/)
        .with.property('code', 'CONFIG_INVALID');
    }
  });
});
