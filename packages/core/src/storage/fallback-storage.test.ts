import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { FileLocation, FileStat, Key, LocationKind, OpenOptions, PutMeta, Storage } from '../contracts.js';
import { SendoffError, notFound } from '../errors/sendoff-error.js';
import { FallbackStorage } from './fallback-storage.js';
import { failureOf } from '@sendoff-tools/test-kit';

const k = (value: string) => value as Key;

/** An in-memory storage recording its calls; `failWith` makes every read fail with that error. */
class MemoryStorage implements Storage {
  readonly files = new Map<string, Buffer>();
  readonly calls: string[] = [];
  failWith: Error | undefined;

  constructor(
    readonly label: string,
    readonly locationKinds: readonly LocationKind[],
    files: Record<string, string> = {},
  ) {
    for (const [key, body] of Object.entries(files)) this.files.set(key, Buffer.from(body));
  }

  async stat(key: Key): Promise<FileStat> {
    const body = this.#read('stat', key);
    return { size: body.length, mtime: new Date(0), etag: `"${this.label}-${body.length}"` };
  }

  async open(key: Key, options?: OpenOptions): Promise<Readable> {
    const body = this.#read('open', key);
    return Readable.from([options?.range ? body.subarray(options.range.start, options.range.end + 1) : body]);
  }

  async locate(key: Key): Promise<FileLocation> {
    this.#read('locate', key);
    return this.locationKinds[0] === 's3' ? { kind: 's3', bucket: this.label, objectKey: key, key } : { kind: 'local', root: `/${this.label}`, path: `/${this.label}/${key}`, key };
  }

  async put(key: Key, body: Readable | Buffer, _meta?: PutMeta): Promise<FileStat> {
    this.calls.push(`put ${key}`);
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(await text(body));
    this.files.set(key, buffer);
    return { size: buffer.length, mtime: new Date(0), etag: `"${this.label}-${buffer.length}"` };
  }

  #read(operation: string, key: Key): Buffer {
    this.calls.push(`${operation} ${key}`);
    if (this.failWith) throw this.failWith;
    const body = this.files.get(key);
    if (!body) throw notFound();
    return body;
  }
}

describe('FallbackStorage', () => {
  let primary: MemoryStorage;
  let secondary: MemoryStorage;
  let storage: FallbackStorage;

  beforeEach(() => {
    primary = new MemoryStorage('primary', ['s3'], { 'both.txt': 'from primary', 'new.txt': 'only new' });
    secondary = new MemoryStorage('secondary', ['local'], { 'both.txt': 'from secondary', 'old.txt': 'only old' });
    storage = new FallbackStorage([primary, secondary]);
  });

  it('produces the union of the location kinds, without duplicates', () => {
    expect(storage.locationKinds).to.deep.equal(['s3', 'local']);
    expect(new FallbackStorage([secondary, new MemoryStorage('x', ['local'])]).locationKinds).to.deep.equal(['local']);
  });

  it('refuses an empty list', () => {
    expect(() => new FallbackStorage([])).to.throw(SendoffError).with.property('code', 'CONFIG_INVALID');
  });

  it('reads from the first storage that has the key', async () => {
    expect((await storage.stat(k('both.txt'))).etag).to.equal('"primary-12"');
    expect(await text(await storage.open(k('both.txt')))).to.equal('from primary');
    expect(await storage.locate(k('both.txt'))).to.deep.equal({ kind: 's3', bucket: 'primary', objectKey: 'both.txt', key: 'both.txt' });
    expect(secondary.calls).to.deep.equal([]);
  });

  it('moves on to the next storage on NOT_FOUND', async () => {
    expect((await storage.stat(k('old.txt'))).etag).to.equal('"secondary-8"');
    expect(await text(await storage.open(k('old.txt'), { range: { start: 5, end: 7 } }))).to.equal('old');
    expect(await storage.locate(k('old.txt'))).to.deep.equal({ kind: 'local', root: '/secondary', path: '/secondary/old.txt', key: 'old.txt' });
    // locate asks where the file is held (stat) before naming its location.
    expect(primary.calls).to.deep.equal(['stat old.txt', 'open old.txt', 'stat old.txt']);
  });

  it('answers NOT_FOUND 404 when no storage has the key', async () => {
    const error = await failureOf(storage.stat(k('none.txt')));
    expect(error.code).to.equal('NOT_FOUND');
    expect(error.status).to.equal(404);
    expect(primary.calls).to.deep.equal(['stat none.txt']);
    expect(secondary.calls).to.deep.equal(['stat none.txt']);
  });

  it('propagates any other error without trying the next storage', async () => {
    primary.failWith = new SendoffError('STORAGE_UNAVAILABLE', 'storage unavailable');
    const error = await failureOf(storage.open(k('old.txt')));
    expect(error.code).to.equal('STORAGE_UNAVAILABLE');
    expect(error.status).to.equal(503);
    expect(secondary.calls).to.deep.equal([]);
  });

  it('propagates a plain error as is', async () => {
    primary.failWith = new Error('socket hang up');
    let caught: unknown;
    try {
      await storage.stat(k('old.txt'));
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(primary.failWith);
  });

  it('writes to the first storage only', async () => {
    const stat = await storage.put(k('up.txt'), Buffer.from('uploaded'));
    expect(stat.etag).to.equal('"primary-8"');
    expect(primary.files.get('up.txt')?.toString()).to.equal('uploaded');
    expect(secondary.calls).to.deep.equal([]);
  });
  it('locates a key where it is held, even when the first storage names locations blindly (like S3)', async () => {
    const blind = new MemoryStorage('bucket', ['s3'], { 'moved.txt': 'moved' });
    blind.locate = async (key: Key) => ({ kind: 's3', bucket: 'bucket', objectKey: key, key });
    const disk = new MemoryStorage('disk', ['local'], { 'moved.txt': 'moved', 'waiting.txt': 'waiting' });
    const fallback = new FallbackStorage([blind, disk]);
    expect((await fallback.locate(k('waiting.txt'))).kind).to.equal('local');
    expect((await fallback.locate(k('moved.txt'))).kind).to.equal('s3');
  });

  it('shares one lookup between a concurrent stat and locate, and keeps nothing afterwards', async () => {
    const [stat, location] = await Promise.all([storage.stat(k('old.txt')), storage.locate(k('old.txt'))]);
    expect(stat.etag).to.equal('"secondary-8"');
    expect(location.kind).to.equal('local');
    expect(secondary.calls.filter((call) => call === 'stat old.txt')).to.have.length(1);
    await storage.stat(k('old.txt'));
    expect(secondary.calls.filter((call) => call === 'stat old.txt')).to.have.length(2);
  });

  describe('with an expected size (a copy of another size is not the file yet)', () => {
    // The bucket holds the first 8 of the 12 bytes, as an S3 server still writing the object shows them.
    let bucket: MemoryStorage;
    let disk: MemoryStorage;
    let fallback: FallbackStorage;
    beforeEach(() => {
      bucket = new MemoryStorage('bucket', ['s3'], { 'moving.txt': 'half of ', 'moved.txt': 'in the bucket' });
      disk = new MemoryStorage('disk', ['local'], { 'moving.txt': 'half of it!\n', 'moved.txt': 'in the bucket' });
      fallback = new FallbackStorage([bucket, disk]);
    });

    it('passes over a copy of another size: stat, locate and open all answer from the next storage', async () => {
      const options = { expectedSize: 12 };
      const [stat, location] = await Promise.all([fallback.stat(k('moving.txt'), options), fallback.locate(k('moving.txt'), options)]);
      expect(stat).to.include({ size: 12, etag: '"disk-12"' });
      expect(location.kind).to.equal('local');
      expect(await text(await fallback.open(k('moving.txt'), options))).to.equal('half of it!\n');
      expect(bucket.calls).to.not.include('open moving.txt');
    });

    it('answers from the first storage once its copy has the expected size', async () => {
      const options = { expectedSize: 13 };
      expect((await fallback.stat(k('moved.txt'), options)).etag).to.equal('"bucket-13"');
      expect((await fallback.locate(k('moved.txt'), options)).kind).to.equal('s3');
      expect(await text(await fallback.open(k('moved.txt'), options))).to.equal('in the bucket');
      expect(disk.calls).to.deep.equal([]);
    });

    it('answers NOT_FOUND 404 when no storage holds a copy of that size', async () => {
      const error = await failureOf(fallback.stat(k('moving.txt'), { expectedSize: 5 }));
      expect(error).to.include({ code: 'NOT_FOUND', status: 404 });
    });

    it('keeps lookups for different expected sizes apart, even while one is under way', async () => {
      const [whole, any] = await Promise.all([fallback.stat(k('moving.txt'), { expectedSize: 12 }), fallback.stat(k('moving.txt'))]);
      expect(whole.etag).to.equal('"disk-12"');
      expect(any.etag).to.equal('"bucket-8"');
    });
  });
});
