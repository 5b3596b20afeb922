/**
 * A client that goes away mid-body, on both platforms: the download lets go of its file (no
 * descriptor of the process is left open on it, read from /proc) and the app keeps serving.
 */
import { once } from 'node:events';
import { promises as fsp } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage } from '@sendoff/core';
import { handlesReleased, openHandlesTo, request } from '@sendoff-tools/test-kit';
import { startDownloadApp } from './download-app.js';
import { PLATFORMS, type RunningNestApp } from './nest-app.js';

/** Far more than the socket buffers hold, so the download is mid-body when the client leaves. */
const LARGE = Buffer.alloc(16 * 1024 * 1024, 7);

for (const platform of PLATFORMS) {
  describe(`@sendoff/nestjs on the ${platform} platform: a client that goes away mid-body`, () => {
    let root: string;
    let running: RunningNestApp | undefined;

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-nestjs-gone-'));
      await fsp.writeFile(path.join(root, 'large.bin'), LARGE);
      const deliverer = createDelivery({ environment: 'test', storage: new LocalStorage({ root }), strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
      running = await startDownloadApp(platform, deliverer, (urlPath) => ({ key: urlPath.slice(1) }));
    });
    after(async () => {
      await running?.close();
      await fsp.rm(root, { recursive: true, force: true });
    });

    for (const range of [undefined, 'bytes=1000-']) {
      it(`${range ?? 'the whole file'}: the file is closed once the client is gone, and the next download is whole`, async () => {
        const file = path.join(root, 'large.bin');
        const response = await getPaused(`${running!.url}/large.bin`, range);
        expect(response.statusCode).to.equal(range === undefined ? 200 : 206);
        const [first] = (await once(response.resume(), 'data')) as [Buffer];
        expect(first.equals(LARGE.subarray(range === undefined ? 0 : 1000).subarray(0, first.length))).to.equal(true);
        expect(await openHandlesTo(file), 'the file is open while it is sent').to.equal(1);
        response.destroy();
        await handlesReleased(file);
        const next = await request(`${running!.url}/large.bin`, { headers: { range: 'bytes=0-99' } });
        expect(next.status).to.equal(206);
        expect(next.body.equals(LARGE.subarray(0, 100))).to.equal(true);
        expect(await openHandlesTo(file)).to.equal(0);
      });
    }
  });
}

/** A GET whose response is paused before any body byte is consumed. */
function getPaused(url: string, range: string | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent: false, headers: range === undefined ? {} : { range } }, (response) => {
      response.pause();
      resolve(response);
    });
    request.on('error', reject);
  });
}
