import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { SendoffError, validateKey } from '@sendoff/core';
import { s3FailureKind } from '../src/s3-errors.js';
import { S3Storage } from '../src/s3-storage.js';
import { startLocalS3, unreachableS3Client, type LocalS3 } from '@sendoff-tools/test-kit';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A Readable of `bytes` in uneven chunks, so the upload cannot rely on one buffer. */
function chunked(bytes: Buffer, chunkSize = 777_777): Readable {
  return Readable.from((function* () {
    for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
  })(), { objectMode: false });
}

describe('S3Storage against s3rver', () => {
  let s3: LocalS3;
  let storage: S3Storage;
  const text = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
  const textKey = validateKey('docs/alphabet.txt');

  before(async () => {
    s3 = await startLocalS3();
    storage = new S3Storage({ client: s3.client, bucket: s3.bucket, prefix: 'files' });
    await storage.put(textKey, text, { contentType: 'text/plain' });
  });
  after(async () => s3.stop());

  it('puts a buffer and stats it: size, quoted MD5 ETag, mtime, content type', async () => {
    const stat = await storage.stat(textKey);
    expect(stat.size).to.equal(text.length);
    expect(stat.etag).to.equal(`"${md5(text)}"`);
    expect(stat.contentType).to.equal('text/plain');
    expect(stat.mtime).to.be.instanceOf(Date);
    expect(Math.abs(stat.mtime.getTime() - Date.now())).to.be.below(60_000);
  });

  it('puts an object of known size in one request and answers the ETag S3 computed, without a second request', async () => {
    const bytes = randomBytes(70_000);
    const key = validateKey('one part/réport 1.bin');
    const answer = await storage.putObject(key, chunked(bytes, 9_999), { size: bytes.length, contentType: 'application/x-test' });
    expect(answer).to.deep.equal({ etag: `"${md5(bytes)}"` });
    const stat = await storage.stat(key);
    expect([stat.size, stat.etag, stat.contentType]).to.deep.equal([bytes.length, `"${md5(bytes)}"`, 'application/x-test']);
    expect(await collect(await storage.open(key))).to.deep.equal(bytes);
    const buffered = await storage.putObject(validateKey('one part/small.txt'), text, { size: text.length });
    expect(buffered).to.deep.equal({ etag: `"${md5(text)}"` });
  });

  it('checks its bucket: resolves when it is there, names a missing one through s3FailureKind', async () => {
    await storage.checkBucket();
    const missing = new S3Storage({ client: s3.client, bucket: 'no-such-bucket' });
    const error = await missing.checkBucket().then(() => undefined, (failure: unknown) => failure);
    expect(error).to.be.instanceOf(SendoffError);
    expect((error as SendoffError).code).to.equal('STORAGE_ERROR');
    expect(s3FailureKind(error)).to.equal('missing-bucket');
  });

  it('stores the object under the prefix and locates it there', async () => {
    expect(storage.prefix).to.equal('files/');
    expect(await storage.locate(textKey)).to.deep.equal({ kind: 's3', bucket: s3.bucket, objectKey: 'files/docs/alphabet.txt', key: textKey });
    const raw = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'files/docs/alphabet.txt' }));
    expect(Buffer.from(await raw.Body!.transformToByteArray())).to.deep.equal(text);
  });

  it('round-trips a 21 MiB streamed upload through multipart, bytes equal', async function () {
    this.timeout(60_000);
    const big = randomBytes(21 * 1024 * 1024 + 123);
    const key = validateKey('big/random.bin');
    const commands: string[] = [];
    s3.client.middlewareStack.add((next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize', name: 'recordCommands' });
    let stat;
    try {
      stat = await storage.put(key, chunked(big), { contentType: 'application/octet-stream' });
    } finally {
      s3.client.middlewareStack.remove('recordCommands');
    }
    expect(commands.filter((name) => name === 'UploadPartCommand')).to.have.length(5);
    expect(commands).to.include.members(['CreateMultipartUploadCommand', 'CompleteMultipartUploadCommand']);
    expect(stat.size).to.equal(big.length);
    expect(stat.contentType).to.equal('application/octet-stream');
    expect(stat.etag).to.match(/^"[^"]+"$/);
    const back = await collect(await storage.open(key));
    expect(back.length).to.equal(big.length);
    expect(sha256(back)).to.equal(sha256(big));
    const tail = await collect(await storage.open(key, { range: { start: big.length - 1000, end: big.length - 1 } }));
    expect(tail).to.deep.equal(big.subarray(big.length - 1000));
  });

  it('maps a missing bucket to a 502 that is not exposed', async () => {
    const other = new S3Storage({ client: s3.client, bucket: 'no-such-bucket-here' });
    const error = await other.open(textKey).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(SendoffError);
    expect((error as SendoffError).status).to.equal(502);
    expect((error as SendoffError).expose).to.equal(false);
    expect((error as SendoffError).cause).to.be.instanceOf(Error);
  });

  it('rejects with the abort when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await storage.open(textKey, { signal: controller.signal }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(SendoffError);
    expect((error as SendoffError).expose).to.equal(false);
  });
});

describe('S3Storage with S3 out of reach', () => {
  let storage: S3Storage;
  let client: S3Client;

  before(async () => {
    client = await unreachableS3Client(2);
    storage = new S3Storage({ client, bucket: 'sendoff-test' });
  });
  after(() => client.destroy());

  const key = validateKey('any/file.txt');
  for (const [operation, run] of [
    ['stat', () => storage.stat(key)],
    ['open', () => storage.open(key)],
    ['put', () => storage.put(key, Buffer.from('x'))],
  ] as const) {
    it(`${operation} rejects with STORAGE_UNAVAILABLE 503, cause kept, nothing exposed`, async () => {
      const error = await run().then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(SendoffError);
      const sendoffError = error as SendoffError;
      expect(sendoffError.code).to.equal('STORAGE_UNAVAILABLE');
      expect(sendoffError.status).to.equal(503);
      expect(sendoffError.expose).to.equal(false);
      expect(sendoffError.cause).to.be.instanceOf(Error);
      expect(sendoffError.message).to.equal('storage unavailable');
    });
  }

  it('rejects a bucket-less configuration and an absolute prefix', () => {
    expect(() => new S3Storage({ client, bucket: '' })).to.throw(SendoffError, /bucket/);
    expect(() => new S3Storage({ client, bucket: 'b', prefix: '/abs' })).to.throw(SendoffError, /prefix/);
  });
});
