/**
 * A client that goes away, on both platforms: mid-body, the download lets go of its file (no
 * descriptor of the process is left open on it, read from /proc) and the app keeps serving; before
 * the file is opened, nothing is logged (a client leaving is no error of the app) and Nest's
 * exception layer sees a 499, Client Closed Request, it has nobody to answer.
 */
import { once } from 'node:events';
import { promises as fsp } from 'node:fs';
import { get as httpGet, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HttpException, type ArgumentsHost } from '@nestjs/common';
import { APP_FILTER, BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, type Storage } from '@sendoff/core';
import { handlesReleased, openHandlesTo, request } from '@sendoff-tools/test-kit';
import { CaptureLogger } from './capture-logger.js';
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

/** Nest's own filter, recording what reaches it. */
class RecordingFilter extends BaseExceptionFilter {
  readonly caught: unknown[] = [];

  override catch(exception: unknown, host: ArgumentsHost): void {
    this.caught.push(exception);
    super.catch(exception, host);
  }
}

/** A storage whose `stat` waits until the test opens the gate. */
function gatedStorage(storage: Storage): { storage: Storage; reached: Promise<void>; open: () => void } {
  let open!: () => void;
  let reach!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const gated: Storage = {
    locationKinds: storage.locationKinds,
    stat: async (key, options) => {
      reach();
      await gate;
      return storage.stat(key, options);
    },
    open: (key, options) => storage.open(key, options),
    locate: (key, options) => storage.locate(key, options),
    put: (key, body, meta) => storage.put(key, body, meta),
  };
  return { storage: gated, reached, open };
}

for (const platform of PLATFORMS) {
  describe(`@sendoff/nestjs on the ${platform} platform: a client that goes away before the file is opened`, () => {
    let root: string;
    let running: RunningNestApp | undefined;

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-nestjs-gone-early-'));
      await fsp.writeFile(path.join(root, 'large.bin'), LARGE);
    });
    afterEach(async () => {
      await running?.close();
      running = undefined;
    });
    after(async () => {
      await fsp.rm(root, { recursive: true, force: true });
    });

    it('nothing is logged, Nest\'s filter sees a 499 HttpException, the file is not left open', async () => {
      const gated = gatedStorage(new LocalStorage({ root }));
      const deliverer = createDelivery({ environment: 'test', storage: gated.storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
      const logger = new CaptureLogger();
      const recording = new RecordingFilter();
      const filter = { provide: APP_FILTER, useFactory: (host: HttpAdapterHost) => Object.assign(recording, { applicationRef: host.httpAdapter }), inject: [HttpAdapterHost] };
      running = await startDownloadApp(platform, deliverer, (urlPath) => ({ key: urlPath.slice(1) }), { logger, providers: [filter] });
      const serverSide = once(running.app.getHttpServer() as Server, 'connection') as Promise<[Socket]>;
      const client = httpGet(`${running.url}/large.bin`, { agent: false });
      client.on('error', () => undefined);
      const [socket] = await serverSide;
      await gated.reached;
      const closed = once(socket, 'close');
      client.destroy();
      await closed;
      gated.open();
      while (recording.caught.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(recording.caught).to.have.length(1);
      expect(recording.caught[0]).to.be.instanceOf(HttpException);
      expect((recording.caught[0] as HttpException).getStatus()).to.equal(499);
      expect(logger.errors).to.deep.equal([]);
      await handlesReleased(path.join(root, 'large.bin'));
    });
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
