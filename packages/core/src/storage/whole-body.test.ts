import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { expect } from 'chai';
import { openHandlesUnder } from '@sendoff-tools/test-kit';
import type { Key } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { createDelivery } from '../deliverer/create-delivery.js';
import { directStream } from '../strategies/direct-stream.js';
import { exactLength } from '../strategies/exact-length.js';
import { LocalStorage } from './local-storage.js';
import { WholeBody, takeWholeBody } from './whole-body.js';

const k = (value: string) => value as Key;
const KiB = 1024;

/** The events a stream emits from now on, in order. */
function eventsOf(stream: Readable): string[] {
  const events: string[] = [];
  for (const name of ['end', 'close', 'error']) stream.on(name, () => events.push(name));
  return events;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('WholeBody and takeWholeBody', () => {
  it('hands its bytes over once and then ends empty, so trackers see it end and close', async () => {
    const body = new WholeBody(Buffer.from('hello'));
    const events = eventsOf(body);
    expect(takeWholeBody(body)?.toString()).to.equal('hello');
    expect(takeWholeBody(body)).to.equal(undefined);
    await settle();
    expect(events).to.deep.equal(['end', 'close']);
  });

  it('is an ordinary stream for any consumer that reads it, and then has nothing to take', async () => {
    const body = new WholeBody(Buffer.from('hello'));
    expect((await buffer(body)).toString()).to.equal('hello');
    expect(takeWholeBody(body)).to.equal(undefined);
  });

  it('gives nothing once reading started or the stream is destroyed, and leaves it as it was', async () => {
    const flowing = new WholeBody(Buffer.from('abc'));
    const chunks: Buffer[] = [];
    flowing.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(takeWholeBody(flowing)).to.equal(undefined);
    await settle();
    expect(Buffer.concat(chunks).toString()).to.equal('abc');

    const destroyed = new WholeBody(Buffer.from('abc'));
    destroyed.destroy();
    expect(takeWholeBody(destroyed)).to.equal(undefined);
  });

  it('gives nothing for any other stream', () => {
    const other = Readable.from([Buffer.from('abc')]);
    expect(takeWholeBody(other)).to.equal(undefined);
    expect(other.readableFlowing).to.equal(null);
  });

  it('passes the length guard as it is when it holds exactly the announced length, and is refused at once otherwise', () => {
    const exact = new WholeBody(Buffer.from('12345'));
    expect(exactLength(exact, 5)).to.equal(exact);

    for (const bytes of ['1234', '123456']) {
      const body = new WholeBody(Buffer.from(bytes));
      const failure = (() => {
        try {
          exactLength(body, 5);
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(failure, bytes).to.be.instanceOf(SendoffError);
      expect((failure as SendoffError).code).to.equal('STORAGE_ERROR');
      expect(body.destroyed).to.equal(true);
    }
  });

  it('a body read once already goes through the guard as any stream', async () => {
    const body = new WholeBody(Buffer.from('1234'));
    body.pause();
    body.on('data', () => undefined);
    const guarded = exactLength(body, 5);
    expect(guarded).to.not.equal(body);
    const failure = await buffer(guarded).then(() => undefined, (error: unknown) => error);
    expect((failure as SendoffError).code).to.equal('STORAGE_ERROR');
  });
});

describe('LocalStorage reads a body of up to 64 KiB whole when it opens it', () => {
  let base: string;
  let root: string;
  let reads: Array<{ length: number; position: number | bigint | null }>;
  const originalRead = fs.read;

  beforeEach(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-whole-'));
    root = path.join(base, 'root');
    await fsp.mkdir(root);
    await fsp.writeFile(path.join(root, 'small.bin'), Buffer.alloc(4 * KiB, 7));
    await fsp.writeFile(path.join(root, 'edge.bin'), Buffer.alloc(64 * KiB, 8));
    await fsp.writeFile(path.join(root, 'over.bin'), Buffer.alloc(64 * KiB + 1, 9));
    await fsp.writeFile(path.join(root, 'empty.bin'), '');
    reads = [];
    fs.read = ((...args: unknown[]) => {
      reads.push({ length: args[3] as number, position: args[4] as number });
      return (originalRead as (...all: unknown[]) => void)(...args);
    }) as unknown as typeof fs.read;
  });

  afterEach(async () => {
    fs.read = originalRead;
    await fsp.rm(base, { recursive: true, force: true });
  });

  for (const cache of [undefined, { maxAgeMs: 60_000 }]) {
    describe(cache ? 'with a cache (a shared descriptor)' : 'without a cache', () => {
      const storageOf = () => new LocalStorage({ root, ...(cache && { cache }) });

      it('reads 4 KiB and exactly 64 KiB in one read each, its descriptor closed or shared before the body is handed over', async () => {
        const storage = storageOf();
        const before = openHandlesUnder(root);
        for (const [name, size, fill] of [['small.bin', 4 * KiB, 7], ['edge.bin', 64 * KiB, 8]] as const) {
          await storage.stat(k(name));
          reads.length = 0;
          const body = await storage.open(k(name));
          expect(reads).to.deep.equal([{ length: size, position: 0 }]);
          expect(openHandlesUnder(root) - before).to.equal(cache ? (name === 'small.bin' ? 1 : 2) : 0);
          expect(takeWholeBody(body)?.equals(Buffer.alloc(size, fill))).to.equal(true);
        }
      });

      it('reads a range whole, at its offset', async () => {
        const storage = storageOf();
        await storage.stat(k('over.bin'));
        reads.length = 0;
        const body = await storage.open(k('over.bin'), { range: { start: 100, end: 199 } });
        expect(reads).to.deep.equal([{ length: 100, position: 100 }]);
        expect(takeWholeBody(body)?.equals(Buffer.alloc(100, 9))).to.equal(true);
      });

      it('streams a body over 64 KiB as before: nothing to take, the bytes all there', async () => {
        const storage = storageOf();
        await storage.stat(k('over.bin'));
        const body = await storage.open(k('over.bin'));
        expect(takeWholeBody(body)).to.equal(undefined);
        expect((await buffer(body)).equals(Buffer.alloc(64 * KiB + 1, 9))).to.equal(true);
      });

      it('gives an empty file as an empty body', async () => {
        const storage = storageOf();
        await storage.stat(k('empty.bin'));
        const body = await storage.open(k('empty.bin'));
        expect(takeWholeBody(body)?.length).to.equal(0);
      });

      it('destroys the body when the signal aborted while it was read', async () => {
        const storage = storageOf();
        await storage.stat(k('small.bin'));
        const controller = new AbortController();
        const opening = storage.open(k('small.bin'), { signal: controller.signal });
        controller.abort();
        const body = await opening;
        expect(body.destroyed).to.equal(true);
        expect(takeWholeBody(body)).to.equal(undefined);
      });
    });
  }

  it('refuses, before any byte, a file cut in place after the lookup its size was announced from (cache)', async () => {
    const storage = new LocalStorage({ root, cache: { maxAgeMs: 60_000 } });
    await storage.stat(k('small.bin'));
    await storage.open(k('small.bin')).then((body) => takeWholeBody(body));
    await fsp.truncate(path.join(root, 'small.bin'), 100);
    const failure = await storage.open(k('small.bin')).then(() => undefined, (error: unknown) => error);
    expect(failure).to.be.instanceOf(SendoffError);
    expect((failure as SendoffError).code).to.equal('STORAGE_ERROR');
    expect((failure as SendoffError).message).to.not.include(root);
    // Looked up again, the file is served as it is now.
    expect((await storage.stat(k('small.bin'))).size).to.equal(100);
    expect(takeWholeBody(await storage.open(k('small.bin')))?.equals(Buffer.alloc(100, 7))).to.equal(true);
  });

  it('a plan whose file changed size between the lookup and the open: its open rejects, before any byte (no cache)', async () => {
    const deliverer = createDelivery({ environment: 'production', storage: new LocalStorage({ root }), strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    for (const size of [100, 5000]) {
      await fsp.writeFile(path.join(root, 'small.bin'), Buffer.alloc(4 * KiB, 7));
      const plan = await deliverer.deliver({ method: 'GET', headers: {} }, { key: 'small.bin' });
      if (plan.body !== 'stream') expect.fail('a stream plan');
      expect(plan.length).to.equal(4 * KiB);
      await fsp.writeFile(path.join(root, 'small.bin'), Buffer.alloc(size, 1));
      const failure = await plan.open().then(() => undefined, (error: unknown) => error);
      expect(failure, `now ${size} bytes`).to.be.instanceOf(SendoffError);
      expect((failure as SendoffError).code).to.equal('STORAGE_ERROR');
    }
  });

  it('refuses a range of a file replaced since its lookup by one of another size, before any byte (no cache)', async () => {
    const storage = new LocalStorage({ root });
    const file = path.join(root, 'over.bin');
    const { size } = await storage.stat(k('over.bin'));
    await fsp.writeFile(path.join(root, 'next.tmp'), Buffer.alloc(size + 1111, 3));
    await fsp.rename(path.join(root, 'next.tmp'), file);
    for (const range of [{ start: 50_000, end: 59_999 }, { start: 0, end: size - 1 }]) {
      const failure = await storage.open(k('over.bin'), { range, expectedSize: size }).then(() => undefined, (error: unknown) => error);
      expect(failure, JSON.stringify(range)).to.be.instanceOf(SendoffError);
      expect((failure as SendoffError).code).to.equal('STORAGE_ERROR');
    }
    // Asked for at its own size, the file now in place is served.
    expect(takeWholeBody(await storage.open(k('over.bin'), { range: { start: 0, end: 9 }, expectedSize: size + 1111 }))?.equals(Buffer.alloc(10, 3))).to.equal(true);
  });

  it('refuses, before any byte, a file cut between its open and its read (no cache)', async () => {
    const storage = new LocalStorage({ root });
    await storage.stat(k('small.bin'));
    const file = path.join(root, 'small.bin');
    fs.read = ((...args: unknown[]) => {
      fs.truncateSync(file, 10);
      return (originalRead as (...all: unknown[]) => void)(...args);
    }) as unknown as typeof fs.read;
    const before = openHandlesUnder(root);
    const failure = await storage.open(k('small.bin')).then(() => undefined, (error: unknown) => error);
    expect(failure).to.be.instanceOf(SendoffError);
    expect((failure as SendoffError).code).to.equal('STORAGE_ERROR');
    expect(openHandlesUnder(root) - before).to.equal(0);
  });
});
