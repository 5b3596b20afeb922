/**
 * directStream over a real HTTP server, reading from a LocalStorage in a temp dir: the shared
 * conformance kit, then what only a live connection shows (backpressure, client aborts).
 */
import { once } from 'node:events';
import { promises as fsp, type ReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { pausedResponse } from '@sendoff-tools/test-kit';
import type { DeliveryRequest, OpenOptions, ResolvedFile } from '../contracts.js';
import { BAD_REQUEST_PATHS, startDirectStreamServer, type DirectStreamServer } from './direct-stream-server.fixture.js';
import { describeConformance, type ConformanceFile } from './index.js';

const FILES: Array<{ key: string; bytes: Buffer; filename: string; contentType: string; disposition?: 'inline' | 'attachment' }> = [
  { key: 'docs/report.txt', bytes: Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(30)), filename: 'report.txt', contentType: 'text/plain; charset=utf-8', disposition: 'inline' },
  { key: 'nested/Résumé – naïve.bin', bytes: Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)), filename: 'Résumé – naïve.pdf', contentType: 'application/pdf', disposition: 'attachment' },
  { key: 'odd/quote.txt', bytes: Buffer.from('tiny'), filename: 'quote"and\\backslash 100% #1?.txt', contentType: 'text/plain' },
];

let server: DirectStreamServer;

describe('directStream over HTTP', () => {
  before(async () => {
    server = await startDirectStreamServer(FILES);
  });
  after(async () => {
    await server?.close();
  });

  describeConformance({
    name: 'directStream + LocalStorage over node:http',
    baseUrl: () => server.baseUrl,
    files: () => FILES.map((file): ConformanceFile => ({ ...file, urlPath: server.urlPathOf(file) })),
    missingPath: () => '/files/docs/missing.txt',
    badKeyPaths: () => BAD_REQUEST_PATHS,
    forbiddenHeaders: ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file'],
    secrets: () => [server.root, server.realRoot],
  });

  it('answers POST with 405 and Allow: GET, HEAD', async () => {
    const response = await fetch(`${server.baseUrl}${server.urlPathOf(FILES[0]!)}`, { method: 'POST', body: 'x' });
    expect(response.status).to.equal(405);
    expect(response.headers.get('allow')).to.equal('GET, HEAD');
    expect(Buffer.from(await response.arrayBuffer())).to.have.length(0);
  });
});

describe('directStream on a live connection', () => {
  const LARGE = 64 * 1024 * 1024;
  let root: string;
  let large: Buffer;
  let served: ServedStreams;
  let server: DirectStreamServer;

  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-live-'));
    large = randomBytes(LARGE);
    served = new ServedStreams();
    server = await startDirectStreamServer([{ key: 'big.bin', bytes: large, filename: 'big.bin', contentType: 'application/octet-stream' }], {
      root,
      wrap: (file, request) => served.track(file, request),
    });
  });
  after(async () => {
    await server?.close();
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('reads the file only as fast as a slow client drains the socket', async () => {
    const response = await pausedResponse(`${server.baseUrl}/files/big.bin`);
    expect(response.statusCode).to.equal(200);
    expect(response.headers['content-length']).to.equal(String(LARGE));
    const stream = await served.next();
    await until(() => stream.readableFlowing === false);
    // Give a server that ignores backpressure every chance to read the rest of the file.
    await sleep(200);
    expect(stream.readableFlowing).to.equal(false);
    expect(stream.bytesRead).to.be.greaterThan(0);
    expect(stream.bytesRead).to.be.lessThan(LARGE / 2);

    const hash = createHash('sha256');
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      hash.update(chunk);
    });
    response.resume();
    await once(response, 'end');
    expect(received).to.equal(LARGE);
    expect(hash.digest('hex')).to.equal(createHash('sha256').update(large).digest('hex'));
    expect(stream.bytesRead).to.equal(LARGE);
  });

  it('closes the file and aborts the request signal when the client goes away', async () => {
    const response = await pausedResponse(`${server.baseUrl}/files/big.bin`);
    const stream = await served.next();
    const closed = once(stream, 'close');
    const [firstChunk] = (await once(response.resume(), 'data')) as [Buffer];
    expect(firstChunk.equals(large.subarray(0, firstChunk.length))).to.equal(true);
    response.destroy();
    await closed;
    expect(stream.destroyed).to.equal(true);
    expect(stream.bytesRead).to.be.lessThan(LARGE);
    expect(served.signalOf(stream)?.aborted).to.equal(true);
  });
});

/** Records the stream every download opens (and the signal it was opened with). */
class ServedStreams {
  #waiting: Array<(stream: ReadStream) => void> = [];
  #ready: ReadStream[] = [];
  #signals = new WeakMap<Readable, AbortSignal | undefined>();

  track(file: ResolvedFile, request: DeliveryRequest): ResolvedFile {
    return {
      ...file,
      open: async (options?: OpenOptions) => {
        const stream = (await file.open(options)) as ReadStream;
        this.#signals.set(stream, request.signal);
        const waiter = this.#waiting.shift();
        if (waiter) waiter(stream);
        else this.#ready.push(stream);
        return stream;
      },
    };
  }

  next(): Promise<ReadStream> {
    const ready = this.#ready.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  signalOf(stream: Readable): AbortSignal | undefined {
    return this.#signals.get(stream);
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

