import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { directStream, notFound, validateKey, type DeliveryStrategy, type Key, type OpenOptions, type Storage } from '@sendoff/core';
import { formatHttpDate } from '@sendoff/core/http';
import { createPlanServer, rawResponse } from '@sendoff/core/testing';
import { S3Storage } from '../src/s3-storage.js';
import { downloadOptions, resolveFile } from './resolved-file.js';
import { startLocalS3, unreachableS3Client, type LocalS3 } from '@sendoff-tools/test-kit';

/** An S3Storage that remembers the streams it handed out. */
class WatchedStorage extends S3Storage {
  readonly opened: Readable[] = [];
  override async open(key: Key, options?: OpenOptions): Promise<Readable> {
    const stream = await super.open(key, options);
    this.opened.push(stream);
    return stream;
  }
}

interface PlanServer {
  url: string;
  /** Every error the handler threw, in order. */
  errors: unknown[];
  close(): Promise<void>;
}

/** core's plan server delivering `/<storage name>/<key>` with `strategy`, recording what it throws. */
async function startPlanServer(storages: Record<string, Storage>, strategy: DeliveryStrategy): Promise<PlanServer> {
  const errors: unknown[] = [];
  const server = await createPlanServer(async (request, url) => {
    try {
      const [, storageName = '', ...rest] = decodeURIComponent(url.pathname).split('/');
      const storage = storages[storageName];
      if (storage === undefined) throw notFound();
      const file = await resolveFile(storage, validateKey(rest.join('/')));
      return await strategy.plan(request, file, downloadOptions({ filename: rest.at(-1) ?? 'download' }));
    } catch (error) {
      errors.push(error);
      throw error;
    }
  });
  return { url: server.baseUrl, errors, close: () => server.close() };
}

describe('directStream (proxy mode) over S3Storage and s3rver', () => {
  let s3: LocalS3;
  let storage: WatchedStorage;
  let server: PlanServer;
  let unreachable: S3Client;
  const getObjectRanges: (string | undefined)[] = [];
  const text = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
  const big = randomBytes(16 * 1024 * 1024);

  before(async function () {
    this.timeout(30_000);
    s3 = await startLocalS3();
    s3.client.middlewareStack.add((next, context) => (args) => {
      if (context.commandName === 'GetObjectCommand') getObjectRanges.push((args.input as { Range?: string }).Range);
      return next(args);
    }, { step: 'initialize', name: 'recordRanges' });
    storage = new WatchedStorage({ client: s3.client, bucket: s3.bucket });
    await storage.put(validateKey('docs/alphabet.txt'), text, { contentType: 'text/plain' });
    await storage.put(validateKey('big/blob.bin'), big);
    unreachable = await unreachableS3Client(1);
    const down = new S3Storage({ client: unreachable, bucket: s3.bucket });
    server = await startPlanServer({ up: storage, down }, directStream());
  });
  after(async () => {
    await server.close();
    unreachable.destroy();
    await s3.stop();
  });
  beforeEach(() => {
    getObjectRanges.length = 0;
  });

  const url = (path: string) => `${server.url}${path}`;

  it('streams the whole object with length, type, validators and disposition', async () => {
    const stat = await storage.stat(validateKey('docs/alphabet.txt'));
    const response = await fetch(url('/up/docs/alphabet.txt'));
    expect(response.status).to.equal(200);
    expect(Buffer.from(await response.arrayBuffer())).to.deep.equal(text);
    expect(response.headers.get('content-length')).to.equal(String(text.length));
    expect(response.headers.get('content-type')).to.equal('text/plain');
    expect(response.headers.get('etag')).to.equal(stat.etag);
    expect(response.headers.get('last-modified')).to.equal(formatHttpDate(stat.mtime));
    expect(response.headers.get('accept-ranges')).to.equal('bytes');
    expect(response.headers.get('content-disposition')).to.equal('attachment; filename="alphabet.txt"');
    expect(getObjectRanges).to.deep.equal([undefined]);
  });

  for (const [header, s3Range, start, end] of [
    ['bytes=0-4', 'bytes=0-4', 0, 4],
    ['bytes=10-19', 'bytes=10-19', 10, 19],
    ['bytes=-5', 'bytes=31-35', 31, 35],
    ['bytes=30-', 'bytes=30-35', 30, 35],
    ['bytes=0-0', 'bytes=0-0', 0, 0],
  ] as const) {
    it(`answers Range: ${header} with 206 and asks S3 for ${s3Range}`, async () => {
      const response = await fetch(url('/up/docs/alphabet.txt'), { headers: { Range: header } });
      expect(response.status).to.equal(206);
      expect(response.headers.get('content-range')).to.equal(`bytes ${start}-${end}/${text.length}`);
      expect(response.headers.get('content-length')).to.equal(String(end - start + 1));
      expect(await response.text()).to.equal(text.subarray(start, end + 1).toString());
      expect(getObjectRanges).to.deep.equal([s3Range]);
    });
  }

  it('answers an unsatisfiable range with 416 and no S3 read', async () => {
    const response = await fetch(url('/up/docs/alphabet.txt'), { headers: { Range: 'bytes=100-200' } });
    expect(response.status).to.equal(416);
    expect(response.headers.get('content-range')).to.equal(`bytes */${text.length}`);
    expect(await response.text()).to.equal('');
    expect(getObjectRanges).to.deep.equal([]);
  });

  it('answers conditional requests from stat alone: 304 on If-None-Match / If-Modified-Since, 412 on If-Match', async () => {
    // A raw client: fetch adds Cache-Control: no-cache to conditional requests.
    const stat = await storage.stat(validateKey('docs/alphabet.txt'));
    const notModified = await rawResponse(url('/up/docs/alphabet.txt'), 'GET', { 'If-None-Match': stat.etag });
    expect(notModified.status).to.equal(304);
    expect(notModified.headers.etag).to.equal(stat.etag);
    expect(notModified.body.length).to.equal(0);
    const notModifiedSince = await rawResponse(url('/up/docs/alphabet.txt'), 'GET', { 'If-Modified-Since': formatHttpDate(stat.mtime) });
    expect(notModifiedSince.status).to.equal(304);
    const failed = await rawResponse(url('/up/docs/alphabet.txt'), 'GET', { 'If-Match': '"something-else"' });
    expect(failed.status).to.equal(412);
    expect(getObjectRanges).to.deep.equal([]);
    const modified = await rawResponse(url('/up/docs/alphabet.txt'), 'GET', { 'If-None-Match': '"older"' });
    expect(modified.status).to.equal(200);
    expect(modified.body).to.deep.equal(text);
  });

  it('answers HEAD with the headers and no body, without reading the object', async () => {
    const response = await fetch(url('/up/docs/alphabet.txt'), { method: 'HEAD' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-length')).to.equal(String(text.length));
    expect(response.headers.get('content-type')).to.equal('text/plain');
    expect(await response.text()).to.equal('');
    expect(getObjectRanges).to.deep.equal([]);
  });

  it('answers a missing object with 404 and nothing internal', async () => {
    const response = await fetch(url('/up/docs/missing.txt'));
    expect(response.status).to.equal(404);
    expect(await response.text()).to.equal('file not found');
  });

  it('destroys the S3 body when the client goes away mid-download', async function () {
    this.timeout(20_000);
    const opened = storage.opened.length;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(url('/up/big/blob.bin'), (res) => {
        expect(res.statusCode).to.equal(200);
        expect(res.headers['content-length']).to.equal(String(big.length));
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.once('error', reject);
      req.end();
    });
    const body = await waitFor(() => storage.opened[opened]);
    await waitFor(() => (body.destroyed ? true : undefined));
    expect(body.destroyed).to.equal(true);
    // Destroyed by the abort, not at the end of a complete read.
    expect(body.readableEnded).to.equal(false);
  });

  it('fails with an unexposed STORAGE_UNAVAILABLE 503 when S3 is out of reach, shows nothing internal, and keeps serving', async () => {
    const response = await fetch(url('/down/docs/alphabet.txt'));
    // core's plan server renders every unexposed error as a bare 500; an adapter such as Koa uses its 503.
    expect(response.status).to.equal(500);
    const message = await response.text();
    expect(message).to.equal('Internal Server Error');
    expect(message).to.not.include('127.0.0.1');
    const last = server.errors.at(-1) as { code?: string; status?: number; expose?: boolean; cause?: unknown };
    expect(last.code).to.equal('STORAGE_UNAVAILABLE');
    expect(last.status).to.equal(503);
    expect(last.expose).to.equal(false);
    expect(last.cause).to.be.instanceOf(Error);
    const after = await fetch(url('/up/docs/alphabet.txt'));
    expect(after.status).to.equal(200);
    expect(await after.text()).to.equal(text.toString());
  });
});

/** Polls `probe` until it returns a value (the test's own timeout bounds the wait). */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
