/**
 * Bodies read whole when opened, attacked through a real Deliverer and node:http: sizes at the 64 KiB
 * edge, ranges, HEAD and conditionals byte for byte; the in-flight count and the stream reports of the
 * diagnostics channels; descriptors after many abandoned downloads; files cut, grown and replaced
 * between the lookup and the open.
 */
import { promises as fsp } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openHandlesUnder, readThenAbandon, recordDeliveries, settledHandlesUnder } from '@sendoff-tools/test-kit';
import { createDelivery } from '../deliverer/create-delivery.js';
import type { Deliverer } from '../deliverer/types.js';
import { isSendoffError } from '../errors/sendoff-error.js';
import { deliver } from '../node/index.js';
import { directStream } from '../strategies/direct-stream.js';
import { fetchResponse, rawResponse } from '../testing/index.js';
import { LocalStorage, type LocalStorageCacheOptions } from './local-storage.js';

const KiB = 1024;
const SIZES = [0, 1, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1];

function bytesOf(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 7 + seed) % 251;
  return bytes;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const cache of [undefined, { maxAgeMs: 60_000 }] as Array<LocalStorageCacheOptions | undefined>) {
  describe(`bodies read whole, hostile (${cache ? 'with a cache' : 'without a cache'})`, function () {
    this.timeout(30_000);
    let base: string;
    let root: string;
    let deliverer: Deliverer;
    let server: Server;
    let url: string;
    const failures: string[] = [];

    beforeEach(async () => {
      base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-whole-hostile-'));
      root = path.join(base, 'root');
      await fsp.mkdir(root);
      for (const size of SIZES) await fsp.writeFile(path.join(root, `f${size}.bin`), bytesOf(size, size % 13));
      deliverer = createDelivery({
        environment: 'production',
        storage: new LocalStorage({ root, ...(cache && { cache }) }),
        strategies: [directStream()],
        policy: { rules: [], fallback: 'directStream' },
      });
      failures.length = 0;
      server = createServer((req, res) => {
        deliver(req, res, deliverer, { key: decodeURIComponent((req.url ?? '/').slice(1)), disposition: 'inline' }).catch((error: unknown) => {
          if (res.headersSent) return void res.destroy();
          failures.push(isSendoffError(error) ? error.code : String(error));
          res.statusCode = isSendoffError(error) ? error.status : 500;
          res.end(isSendoffError(error) && error.expose ? error.message : 'error');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await fsp.rm(base, { recursive: true, force: true });
    });

    it('answers every size at the 64 KiB edge byte for byte: whole, ranged, suffix, HEAD, 304, 416', async () => {
      for (const size of SIZES) {
        const bytes = bytesOf(size, size % 13);
        const whole = await fetchResponse(`${url}/f${size}.bin`, 'GET');
        expect([whole.status, whole.headers['content-length']], `f${size}`).to.deep.equal([200, String(size)]);
        expect(whole.body.equals(bytes), `f${size} bytes`).to.equal(true);
        const head = await rawResponse(`${url}/f${size}.bin`, 'HEAD');
        expect([head.status, head.headers['content-length'], head.body.length]).to.deep.equal([200, String(size), 0]);
        const etag = String(whole.headers['etag']);
        // A raw request: fetch adds Cache-Control: no-cache to a request with If-None-Match, which asks for a 200.
        const notModified = await rawResponse(`${url}/f${size}.bin`, 'GET', { 'if-none-match': etag });
        expect([notModified.status, notModified.body.length]).to.deep.equal([304, 0]);
        if (size === 0) continue;
        const last = await fetchResponse(`${url}/f${size}.bin`, 'GET', { range: `bytes=${size - 1}-` });
        expect([last.status, last.headers['content-range']]).to.deep.equal([206, `bytes ${size - 1}-${size - 1}/${size}`]);
        expect(last.body.equals(bytes.subarray(size - 1))).to.equal(true);
        const suffix = await fetchResponse(`${url}/f${size}.bin`, 'GET', { range: 'bytes=-300' });
        expect(suffix.body.equals(bytes.subarray(Math.max(0, size - 300)))).to.equal(true);
        const outside = await fetchResponse(`${url}/f${size}.bin`, 'GET', { range: `bytes=${size}-` });
        expect([outside.status, outside.headers['content-range']]).to.deep.equal([416, `bytes */${size}`]);
        const staleIfRange = await fetchResponse(`${url}/f${size}.bin`, 'GET', { range: 'bytes=0-0', 'if-range': '"other"' });
        expect([staleIfRange.status, staleIfRange.body.equals(bytes)]).to.deep.equal([200, true]);
      }
      expect(failures.filter((code) => code !== 'RANGE_NOT_SATISFIABLE')).to.deep.equal([]);
    });

    it('serves 64 KiB windows of a large file, many at once, each exactly its bytes', async () => {
      const large = bytesOf(3 * 1024 * KiB, 5);
      await fsp.writeFile(path.join(root, 'large.bin'), large);
      const windows = Array.from({ length: 48 }, (_, index) => ({ start: index * 65_521, end: index * 65_521 + 64 * KiB - 1 }));
      const answers = await Promise.all(windows.map(({ start, end }) => fetchResponse(`${url}/large.bin`, 'GET', { range: `bytes=${start}-${end}` })));
      for (const [index, answer] of answers.entries()) {
        const { start, end } = windows[index]!;
        expect(answer.status).to.equal(206);
        expect(answer.body.equals(large.subarray(start, end + 1)), `window ${index}`).to.equal(true);
      }
    });

    it('counts small streams in flight back to 0, and reports their bytes as finished on the stream channel', async () => {
      const events = recordDeliveries();
      try {
        await Promise.all(Array.from({ length: 20 }, (_, index) => fetchResponse(`${url}/f${SIZES[index % SIZES.length]}.bin`, 'GET')));
        expect(deliverer.inFlight).to.equal(0);
        const closes = events.events.filter((event) => event.name === 'stream:close').map((event) => event.snapshot);
        expect(closes).to.have.length(20);
        for (const closed of closes) {
          const size = Number(/f(\d+)\.bin/.exec(closed.key)?.[1]);
          expect([closed.stream?.state, closed.stream?.bytes], closed.key).to.deep.equal(['finished', size]);
        }
      } finally {
        events.stop();
      }
    });

    it('leaves no descriptor and no stream counted after hundreds of downloads, many abandoned at once', async () => {
      const before = openHandlesUnder(root);
      for (let round = 0; round < 10; round++) {
        await Promise.all([
          ...Array.from({ length: 10 }, (_, index) => fetchResponse(`${url}/f${SIZES[(index + round) % SIZES.length]}.bin`, 'GET', index % 3 ? {} : { range: 'bytes=1-' }).catch(() => undefined)),
          ...Array.from({ length: 10 }, (_, index) => readThenAbandon(`${url}/f${SIZES[(index + round) % SIZES.length]}.bin`, 0).catch(() => undefined)),
        ]);
      }
      expect(await settledHandlesUnder(root) - before).to.be.at.most(cache ? SIZES.length : 0);
      for (let waited = 0; waited < 3000 && deliverer.inFlight !== 0; waited += 50) await sleep(50);
      expect(deliverer.inFlight).to.equal(0);
    });

    it('never sends bytes under a wrong length when files are cut, grown or replaced between downloads', async () => {
      const file = path.join(root, 'f65536.bin');
      const original = bytesOf(64 * KiB, 3);
      await fsp.writeFile(file, original);
      for (const [change, next] of [
        ['cut', original.subarray(0, 1000)],
        ['grown', Buffer.concat([original, Buffer.alloc(10, 1)])],
        ['rewritten, same size', bytesOf(64 * KiB, 9)],
      ] as const) {
        await fsp.writeFile(file, original);
        const first = await fetchResponse(`${url}/f65536.bin`, 'GET');
        expect(first.body.equals(original)).to.equal(true);
        await fsp.writeFile(file, next);
        const after = await fetchResponse(`${url}/f65536.bin`, 'GET').catch(() => undefined);
        if (after === undefined) continue;
        expect([200, 502], change).to.include(after.status);
        if (after.status === 200) {
          expect(after.body.length, change).to.equal(Number(after.headers['content-length']));
          expect(after.body.equals(next) || after.body.equals(original), change).to.equal(true);
        } else {
          expect(after.body.toString(), change).to.not.include(root);
        }
      }
      // Replaced by rename: the new file, or the old one, never a mix.
      const replacement = bytesOf(5000, 11);
      await fsp.writeFile(path.join(root, 'next.tmp'), replacement);
      await fsp.rename(path.join(root, 'next.tmp'), file);
      const replaced = await fetchResponse(`${url}/f65536.bin`, 'GET');
      expect(replaced.body.length).to.equal(Number(replaced.headers['content-length']));
      expect(replaced.body.equals(replacement) || replaced.body.equals(bytesOf(64 * KiB, 9))).to.equal(true);
      expect(failures.filter((code) => code !== 'STORAGE_ERROR')).to.deep.equal([]);
    });
  });
}
