/**
 * HEAD as the Nest platforms route it (Express sends HEAD to the GET handler, Fastify adds a HEAD
 * route for every GET route), on both platforms: the GET's status and headers for a range, a
 * conditional and an unsatisfiable range, no byte after the head on the wire, and the file never
 * opened.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, type Storage } from '@sendoff/core';
import { rawResponse } from '@sendoff/core/testing';
import { startDownloadApp } from './download-app.js';
import { PLATFORMS, type RunningNestApp } from './nest-app.js';

const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 11 + 1) % 256));
const HEADERS = ['content-type', 'content-disposition', 'etag', 'last-modified', 'accept-ranges', 'content-range', 'content-length', 'cache-control'];

/** A storage that counts the streams it opens. */
function countingOpens(storage: Storage): { storage: Storage; opens: () => number } {
  let opens = 0;
  const counted: Storage = {
    locationKinds: storage.locationKinds,
    stat: (key, options) => storage.stat(key, options),
    locate: (key, options) => storage.locate(key, options),
    put: (key, body, meta) => storage.put(key, body, meta),
    open: (key, options) => {
      opens++;
      return storage.open(key, options);
    },
  };
  return { storage: counted, opens: () => opens };
}

for (const platform of PLATFORMS) {
  describe(`@sendoff/nestjs on the ${platform} platform: HEAD`, () => {
    let root: string;
    let running: RunningNestApp | undefined;
    let opens: () => number;

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-nestjs-head-'));
      await fsp.writeFile(path.join(root, 'data.bin'), BYTES);
      const counting = countingOpens(new LocalStorage({ root }));
      opens = counting.opens;
      const deliverer = createDelivery({ environment: 'test', storage: counting.storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
      running = await startDownloadApp(platform, deliverer, (urlPath) => ({ key: urlPath.slice(1), filename: 'Data file.bin' }));
    });
    after(async () => {
      await running?.close();
      await fsp.rm(root, { recursive: true, force: true });
    });

    async function headAndGet(headers: Record<string, string>) {
      const before = opens();
      const head = await rawResponse(`${running!.url}/data.bin`, 'HEAD', headers);
      const opened = opens() - before;
      const get = await rawResponse(`${running!.url}/data.bin`, 'GET', headers);
      return { head, get, opened };
    }

    for (const [title, headers, status] of [
      ['no condition', {}, 200],
      ['Range: bytes=10-19', { range: 'bytes=10-19' }, 206],
      ['an unsatisfiable range', { range: 'bytes=5000-' }, 416],
    ] as const) {
      it(`${title}: the GET's status and headers, no body, the file not opened`, async () => {
        const { head, get, opened } = await headAndGet(headers);
        expect(head.status).to.equal(status);
        expect(get.status).to.equal(status);
        for (const name of HEADERS) expect(head.headers[name], name).to.equal(get.headers[name]);
        expect(head.body.length).to.equal(0);
        expect(opened).to.equal(0);
      });
    }

    it('If-None-Match with the current ETag: 304 with no body', async () => {
      const { head: first } = await headAndGet({});
      const etag = first.headers.etag!;
      const { head, opened } = await headAndGet({ 'if-none-match': etag });
      expect(head.status).to.equal(304);
      expect(head.headers.etag).to.equal(etag);
      expect(head.body.length).to.equal(0);
      expect(opened).to.equal(0);
    });
  });
}
