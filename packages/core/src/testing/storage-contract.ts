/**
 * The Storage contract, written once and run against every storage (LocalStorage, S3Storage,
 * FallbackStorage, or one of your own): what `put` stores, `stat` and `open` answer for it (sizes,
 * entity tags, content types, byte ranges, an abort signal), `locate` names, and how a missing key
 * and an `expectedSize` are answered (see docs/concepts.md). Registers mocha `describe`/`it` blocks
 * through the globals; every test writes keys of its own under one prefix, so the storage can be
 * shared by the whole suite.
 */
import { strict as assert } from 'node:assert';
import { Readable } from 'node:stream';
import type { FileStat, Key, Storage } from '../contracts.js';
import { isSendoffError, type SendoffError } from '../errors/sendoff-error.js';
import { validateKey } from '../keys/validate-key.js';

export interface StorageTarget {
  name: string;
  /** Starts the storage under test (in a `before` hook). It may hold other files. */
  start(): Promise<Storage>;
  /** Stops what `start` started (in an `after` hook). */
  stop?(): Promise<void>;
}

/** Keys whose names are hard for some layer: spaces, accents, `%`, `#`, `?`, quotes, `+`, emoji. */
const HARD_NAMES = ['with spaces/a file name.txt', 'Résumé – naïve.pdf', '100% done #1?.txt', 'quote"and\'apostrophe.txt', 'plus+sign & more.txt', 'emoji 🎉 party.bin'];
const TEXT_TYPE = 'text/plain; charset=utf-8';
const QUOTED_STRONG_TAG = /^"[^"]*"$/;
/** Large enough that no storage has read it all when the signal aborts. */
const LARGE_FILE_BYTES = 8 * 1024 * 1024;

export function describeStorage(target: StorageTarget): void {
  describe(`sendoff storage contract: ${target.name}`, () => {
    let storage: Storage | undefined;
    const current = (): Storage => storage ?? assert.fail(`${target.name} did not start`);
    let counter = 0;
    /** A fresh key of this suite's own, named after `name`. */
    const keyFor = (name: string): Key => validateKey(`sendoff-contract/${++counter}/${name}`);

    before(async () => {
      storage = await target.start();
    });
    after(async () => {
      await target.stop?.();
    });

    describe('put and stat', () => {
      it('stores a buffer; stat and the stat put answers give its size and one quoted strong entity tag', async () => {
        const key = keyFor('docs/alphabet.txt');
        const bytes = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
        const stored = await current().put(key, bytes, { contentType: TEXT_TYPE, size: bytes.length });
        const stat = await current().stat(key);
        expectStat(stat, bytes.length);
        assert.equal(stored.size, stat.size);
        assert.equal(stored.etag, stat.etag);
        assert.equal(stat.contentType, TEXT_TYPE);
        assert.deepEqual(await bytesOf(current().open(key)), bytes);
      });

      it('stores a stream of uneven chunks byte for byte', async () => {
        const key = keyFor('streamed.bin');
        const bytes = patterned(100_003);
        await current().put(key, chunked(bytes, 7_777));
        expectStat(await current().stat(key), bytes.length);
        assert.deepEqual(await bytesOf(current().open(key)), bytes);
      });

      it('stores an empty file: size 0, no bytes', async () => {
        const key = keyFor('empty.txt');
        await current().put(key, Buffer.alloc(0), { contentType: TEXT_TYPE, size: 0 });
        expectStat(await current().stat(key), 0);
        assert.equal((await bytesOf(current().open(key))).length, 0);
      });

      it('keeps the entity tag while the file is unchanged and changes it with the content; put replaces the bytes', async () => {
        const key = keyFor('changing.txt');
        await current().put(key, Buffer.from('first version'));
        const first = await current().stat(key);
        assert.equal((await current().stat(key)).etag, first.etag);
        await current().put(key, Buffer.from('the second, longer version'));
        const second = await current().stat(key);
        assert.notEqual(second.etag, first.etag);
        assert.equal(second.size, 'the second, longer version'.length);
        assert.equal((await bytesOf(current().open(key))).toString(), 'the second, longer version');
      });

      for (const name of HARD_NAMES) {
        it(`keeps the key ${JSON.stringify(name)} exactly: put, stat, open and locate`, async () => {
          const key = keyFor(name);
          const bytes = patterned(321, name.length);
          await current().put(key, bytes);
          expectStat(await current().stat(key), bytes.length);
          assert.deepEqual(await bytesOf(current().open(key)), bytes);
          assert.equal((await current().locate(key)).key, key);
        });
      }
    });

    describe('atomic put', () => {
      it('shows readers the old bytes until a slow put has finished, then the new ones', async () => {
        const key = keyFor('slow.txt');
        await current().put(key, Buffer.from('old bytes'));
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const slow = Readable.from((async function* () {
          yield Buffer.from('new bytes, first half; ');
          await gate;
          yield Buffer.from('second half');
        })());
        const writing = current().put(key, slow);
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal((await bytesOf(current().open(key))).toString(), 'old bytes');
        release();
        await writing;
        assert.equal((await bytesOf(current().open(key))).toString(), 'new bytes, first half; second half');
      });

      it('keeps the old bytes when the body fails half-way, and rejects with a SendoffError', async () => {
        const key = keyFor('interrupted.txt');
        await current().put(key, Buffer.from('old bytes'));
        const failing = new Readable({
          read() {
            this.push(Buffer.from('partial'));
            this.destroy(new Error('upload interrupted'));
          },
        });
        const error = await failureOf(current().put(key, failing));
        assert.equal(error.expose, false, 'the failure of a body is not exposed');
        assert.equal((await bytesOf(current().open(key))).toString(), 'old bytes');
      });
    });

    describe('open', () => {
      const bytes = patterned(1000);
      let key: Key;
      before(async () => {
        key = keyFor('ranges.bin');
        await current().put(key, bytes);
      });

      for (const [start, end] of [[0, 0], [0, 9], [10, 19], [500, 998], [999, 999], [0, 999]] as const) {
        it(`reads exactly the bytes ${start}-${end} of a range`, async () => {
          assert.deepEqual(await bytesOf(current().open(key, { range: { start, end } })), bytes.subarray(start, end + 1));
        });
      }

      it('destroys the stream when the signal aborts while it is read', async function () {
        this.timeout(60_000);
        const large = keyFor('large.bin');
        await current().put(large, patterned(LARGE_FILE_BYTES));
        const controller = new AbortController();
        const stream = await current().open(large, { signal: controller.signal });
        stream.on('error', () => undefined);
        await new Promise((resolve) => stream.once('data', resolve));
        const closed = new Promise((resolve) => stream.once('close', resolve));
        controller.abort();
        await closed;
        assert.equal(stream.destroyed, true);
      });

      it('refuses to open with a signal already aborted', async () => {
        const controller = new AbortController();
        controller.abort();
        const failure = await current().open(key, { signal: controller.signal }).then(
          (stream) => {
            stream.destroy();
            return undefined;
          },
          (error: unknown) => error,
        );
        assert.ok(failure instanceof Error, 'open resolved with an aborted signal');
      });
    });

    describe('locate', () => {
      it("names the key and one of the storage's location kinds", async () => {
        const key = keyFor('located.txt');
        await current().put(key, Buffer.from('here'));
        const location = await current().locate(key);
        assert.equal(location.key, key);
        assert.ok(current().locationKinds.includes(location.kind), `${location.kind} is not among ${current().locationKinds.join(', ')}`);
      });
    });

    describe('missing keys', () => {
      it('answers stat and open of a missing key with NOT_FOUND 404, exposed, naming nothing internal', async () => {
        const key = keyFor('missing/nothing-here.txt');
        for (const attempt of [() => current().stat(key), () => current().open(key)]) expectNotFound(await failureOf(attempt()), key);
      });

      it('answers a key that only names a directory of other keys with NOT_FOUND', async () => {
        const directory = keyFor('folder');
        await current().put(validateKey(`${directory}/inside.txt`), Buffer.from('inside'));
        for (const attempt of [() => current().stat(directory), () => current().open(directory)]) expectNotFound(await failureOf(attempt()), directory);
      });
    });

    describe('expectedSize', () => {
      const bytes = Buffer.from('twelve bytes');
      let key: Key;
      before(async () => {
        key = keyFor('sized.txt');
        await current().put(key, bytes);
      });

      it('answers the file when the expected size is its size', async () => {
        const expectedSize = bytes.length;
        expectStat(await current().stat(key, { expectedSize }), bytes.length);
        assert.equal((await current().locate(key, { expectedSize })).key, key);
        assert.deepEqual(await bytesOf(current().open(key, { expectedSize })), bytes);
      });

      it('answers another expected size with NOT_FOUND or with the file as it is, never as if it had that size', async () => {
        for (const expectedSize of [0, bytes.length - 1, bytes.length + 1]) {
          const outcome = await current().stat(key, { expectedSize }).then((stat) => stat, (error: unknown) => error);
          if (isSendoffError(outcome)) expectNotFound(outcome, key);
          else expectStat(outcome as FileStat, bytes.length);
        }
      });
    });
  });
}

function expectStat(stat: FileStat, size: number): void {
  assert.equal(stat.size, size, 'size');
  assert.match(stat.etag, QUOTED_STRONG_TAG, 'a quoted strong entity tag');
  assert.ok(stat.mtime instanceof Date && !Number.isNaN(stat.mtime.getTime()), 'mtime is a date');
}

function expectNotFound(error: SendoffError, key: string): void {
  assert.equal(error.code, 'NOT_FOUND');
  assert.equal(error.status, 404);
  assert.equal(error.expose, true);
  assert.equal(error.message, 'file not found');
  assert.ok(!error.message.includes(key));
}

/** The SendoffError `promise` rejects with; fails when it resolves or rejects with anything else. */
async function failureOf(promise: Promise<unknown>): Promise<SendoffError> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  if (outcome === undefined) assert.fail('expected a rejection');
  assert.ok(isSendoffError(outcome), `expected a SendoffError, got ${String(outcome)}`);
  return outcome;
}

async function bytesOf(opening: Promise<Readable>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await opening) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Bytes that differ from their neighbours, so a wrong range never looks right. */
function patterned(size: number, seed = 0): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return out;
}

/** `bytes` as a stream of `chunkSize`-byte chunks. */
function chunked(bytes: Buffer, chunkSize: number): Readable {
  return Readable.from((function* () {
    for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
  })());
}
