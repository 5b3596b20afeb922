import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { LocalStorage, SendoffError, validateKey, type DeliveryPlan } from '@sendoff/core';
import { countingSource } from './counting-source.fixture.js';
import { planResponse } from './plan-response.js';

const BYTES = Buffer.from('0123456789abcdef'.repeat(8));
const URL_OF_FILE = 'http://127.0.0.1/files/a';

function streamPlan(overrides: Partial<DeliveryPlan> & { onOpen?: () => void } = {}): DeliveryPlan {
  const { onOpen, ...rest } = overrides;
  return {
    strategy: 'test',
    status: 200,
    headers: { 'Content-Type': 'application/pdf', ETag: '"v1"' },
    body: 'stream',
    length: BYTES.length,
    open: async () => {
      onOpen?.();
      return Readable.from([BYTES]);
    },
    ...rest,
  } as DeliveryPlan;
}

function get(method = 'GET'): Request {
  return new Request(URL_OF_FILE, { method });
}

describe('planResponse', () => {
  it('a stream plan: its status and headers, the plan length as Content-Length, the bytes as a ReadableStream', async () => {
    const response = await planResponse(streamPlan({ status: 206 }), get());
    expect(response.status).to.equal(206);
    expect(response.headers.get('content-type')).to.equal('application/pdf');
    expect(response.headers.get('etag')).to.equal('"v1"');
    expect(response.headers.get('content-length')).to.equal(String(BYTES.length));
    expect(response.body).to.be.instanceOf(ReadableStream);
    expect(Buffer.from(await response.arrayBuffer()).equals(BYTES)).to.equal(true);
  });

  it("a stream plan that names its Content-Length keeps the plan's value", async () => {
    const response = await planResponse(streamPlan({ headers: { 'content-length': String(BYTES.length) } }), get());
    expect(response.headers.get('content-length')).to.equal(String(BYTES.length));
  });

  it('HEAD: no body, the length a GET would send, and the stream is never opened', async () => {
    let opened = 0;
    const response = await planResponse(streamPlan({ onOpen: () => opened++ }), get('HEAD'));
    expect(response.status).to.equal(200);
    expect(response.body).to.equal(null);
    expect(response.headers.get('content-length')).to.equal(String(BYTES.length));
    expect(opened).to.equal(0);
  });

  it('a stream that fails to open rejects before any Response exists', async () => {
    const gone = new Error('file not found');
    const failure = await planResponse(streamPlan({ open: () => Promise.reject(gone) } as Partial<DeliveryPlan>), get()).catch((error: unknown) => error);
    expect(failure).to.equal(gone);
  });

  it('an offload plan: its status and delivery header, an empty body that says so, no file length', async () => {
    const plan: DeliveryPlan = { strategy: 'xAccel', status: 200, headers: { 'X-Accel-Redirect': '/_protected/a.pdf', 'Content-Type': 'application/pdf' }, body: 'empty' };
    const response = await planResponse(plan, get());
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-accel-redirect')).to.equal('/_protected/a.pdf');
    expect(response.headers.get('content-length')).to.equal('0');
    expect(response.body).to.equal(null);
    const head = await planResponse(plan, get('HEAD'));
    expect(head.headers.get('content-length')).to.equal(null);
  });

  it('a redirect plan: its status, Location and headers, no body', async () => {
    const plan: DeliveryPlan = { strategy: 's3Redirect', status: 302, headers: { 'Cache-Control': 'private, max-age=60' }, body: 'redirect', location: 'https://files.example/a?X-Amz-Signature=1' };
    const response = await planResponse(plan, get());
    expect(response.status).to.equal(302);
    expect(response.headers.get('location')).to.equal('https://files.example/a?X-Amz-Signature=1');
    expect(response.headers.get('cache-control')).to.equal('private, max-age=60');
    expect(response.body).to.equal(null);
  });

  it('a 304 gets no Content-Length of its own, a 416 keeps its Content-Range', async () => {
    const notModified = await planResponse({ strategy: 'directStream', status: 304, headers: { ETag: '"v1"' }, body: 'empty' }, get());
    expect(notModified.status).to.equal(304);
    expect(notModified.headers.get('content-length')).to.equal(null);
    expect(notModified.headers.get('etag')).to.equal('"v1"');
    const unsatisfiable = await planResponse({ strategy: 'directStream', status: 416, headers: { 'Content-Range': 'bytes */128', 'Content-Length': '0' }, body: 'empty' }, get());
    expect(unsatisfiable.status).to.equal(416);
    expect(unsatisfiable.headers.get('content-range')).to.equal('bytes */128');
    expect(unsatisfiable.headers.get('content-length')).to.equal('0');
  });

  describe('a body of at most 64 KiB (one read of a file stream)', () => {
    it('is read to its end before the Response exists, and the Response carries exactly those bytes', async () => {
      const { source, made } = countingSource(4, 16 * 1024);
      const response = await planResponse(streamPlan({ length: 64 * 1024, open: async () => source } as Partial<DeliveryPlan>), get());
      expect(made()).to.equal(4);
      expect(source.destroyed, 'the source is closed once read').to.equal(true);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-length')).to.equal(String(64 * 1024));
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.length).to.equal(64 * 1024);
      expect(body.subarray(48 * 1024).equals(Buffer.alloc(16 * 1024, 3))).to.equal(true);
    });

    it('a file LocalStorage read whole when it opened it: its bytes taken as they are, never read as a stream', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'sendoff-fetch-whole-'));
      try {
        await writeFile(path.join(root, 'a.bin'), BYTES);
        const body = await new LocalStorage({ root }).open(validateKey('a.bin'));
        let chunks = 0;
        const read = body.read.bind(body);
        body.read = (size?: number) => {
          chunks++;
          return read(size);
        };
        const response = await planResponse(streamPlan({ open: async () => body } as Partial<DeliveryPlan>), get());
        expect(response.headers.get('content-length')).to.equal(String(BYTES.length));
        expect(Buffer.from(await response.arrayBuffer()).equals(BYTES)).to.equal(true);
        expect(chunks, 'no read of the stream').to.equal(0);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });

    it('a larger body is not: the Response exists after the first reads', async () => {
      const { source, made } = countingSource(8, 16 * 1024);
      const response = await planResponse(streamPlan({ length: 128 * 1024, open: async () => source } as Partial<DeliveryPlan>), get());
      expect(made()).to.be.below(8);
      expect(Buffer.from(await response.arrayBuffer()).length).to.equal(128 * 1024);
    });

    it('a source that fails while it is read: the head as planned, then a body that errors (the server breaks the connection off)', async () => {
      const guard = new SendoffError('STORAGE_ERROR', 'the source ended after 4 of 100 bytes announced', { expose: false });
      let reads = 0;
      const source = new Readable({
        read() {
          if (reads++ === 0) this.push(Buffer.from('0123'));
          else this.destroy(guard);
        },
      });
      const response = await planResponse(streamPlan({ length: 100, open: async () => source } as Partial<DeliveryPlan>), get());
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-length')).to.equal('100');
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(Buffer.from(first.value!).toString()).to.equal('0123');
      const failure = await reader.read().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).to.equal(guard);
    });
  });
});
