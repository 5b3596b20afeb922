/**
 * The conformance kit for a framework adapter: the adapter's app, on a real listening server,
 * delivers the kit's files through a Deliverer
 *
 * 1. with `directStream` (the Node process sends the bytes): the whole conformance kit, then a
 *    client that goes away mid-body (the file stream is destroyed and the request's signal aborted);
 * 2. with `xAccel` behind a real nginx (when the target can start one): the app answers every file
 *    with an empty X-Accel-Redirect answer, and the conformance kit passes through nginx with no
 *    delivery header or internal path reaching the client.
 *
 * Registers mocha `describe`/`it` blocks through the globals.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { LocalStorage, type LocalStorageCacheOptions } from '../storage/local-storage.js';
import { createDelivery } from '../deliverer/create-delivery.js';
import type { Deliverer } from '../deliverer/types.js';
import { directStream } from '../strategies/direct-stream.js';
import { xAccel, type XAccelStrategy } from '../strategies/x-accel.js';
import type { HostPort } from '../servers/config-input.js';
import { BAD_KEY_PATHS, LARGE_PATH, MISSING_PATH, createAdapterFixture, type AdapterFixture, type ResolveDownload } from './adapter-fixture.js';
import { describeConformance } from './conformance.js';
import { rawResponse } from './http-client.js';
import { OpenedStreams } from './opened-streams.js';

export interface RunningApp {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

export interface RunningFrontServer {
  url: string;
  stop(): Promise<void>;
}

export interface AdapterConformanceTarget {
  /** The adapter and framework, as the test titles show them. */
  name: string;
  /**
   * Starts the framework's app on 127.0.0.1 (an ephemeral port). For every request it asks
   * `resolve` with the request's path (and query) what to deliver and delivers it through the
   * adapter; when `resolve` names nothing the framework answers as it does for an unknown route
   * (404). Errors, thrown by `resolve` or by the delivery, go to the framework's error handling.
   */
  serve(deliverer: Deliverer, resolve: ResolveDownload): Promise<RunningApp>;
  /** Starts nginx with the config `generateServerConfig` (`@sendoff/core/servers`) writes for `strategy`, in front of `upstream`. */
  nginx?(strategy: XAccelStrategy, upstream: HostPort): Promise<RunningFrontServer>;
  /** The directStream part over a LocalStorage with this opt-in `cache` (hot files share a descriptor). */
  cache?: LocalStorageCacheOptions;
}

/** Delivery headers that must never reach a client. */
const DELIVERY_HEADERS = ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file', 'x-sendfile2', 'x-accel-limit-rate', 'x-accel-buffering', 'x-accel-charset', 'x-accel-expires'];
const INTERNAL_PREFIX = '/_protected/';

export function describeAdapterConformance(target: AdapterConformanceTarget): void {
  describeDirectStream(target);
  if (target.nginx) describeBehindNginx(target, target.nginx.bind(target));
}

function describeDirectStream(target: AdapterConformanceTarget): void {
  describe(`${target.name}: directStream`, () => {
    let fixture: AdapterFixture | undefined;
    let app: RunningApp | undefined;
    const opened = new OpenedStreams();
    const current = (): { fixture: AdapterFixture; app: RunningApp } => ({ fixture: fixture ?? assert.fail('no fixture'), app: app ?? assert.fail('the app did not start') });

    before(async () => {
      fixture = await createAdapterFixture();
      const deliverer = createDelivery({
        environment: 'test',
        storage: opened.track(new LocalStorage({ root: fixture.root, ...(target.cache && { cache: target.cache }) })),
        strategies: [directStream()],
        policy: { rules: [], fallback: 'directStream' },
      });
      app = await target.serve(deliverer, fixture.resolve);
    });
    after(async () => {
      await app?.close();
      await fixture?.remove();
    });
    beforeEach(() => opened.clear());

    describeConformance({
      name: `${target.name} with directStream`,
      baseUrl: () => current().app.url,
      files: () => current().fixture.files(),
      missingPath: () => MISSING_PATH,
      badKeyPaths: () => BAD_KEY_PATHS,
      forbiddenHeaders: DELIVERY_HEADERS,
      secrets: () => [current().fixture.root],
    });

    it('a client going away mid-body: the file stream is destroyed and the request signal aborted', async () => {
      const { fixture, app } = current();
      const response = await getPaused(`${app.url}${LARGE_PATH}`);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-length'], String(fixture.large.length));
      const { stream, signal } = await opened.next();
      const closed = new Promise((resolve) => stream.once('close', resolve));
      const [first] = (await once(response.resume(), 'data')) as [Buffer];
      assert.ok(first.equals(fixture.large.subarray(0, first.length)), 'the first bytes are the file\'s');
      response.destroy();
      if (!stream.destroyed) await closed;
      assert.equal(stream.destroyed, true, 'the file stream was destroyed');
      const { bytesRead } = stream as Partial<{ bytesRead: number }>;
      assert.ok(bytesRead === undefined || bytesRead < fixture.large.length, `the whole file was read (${bytesRead} bytes)`);
      assert.equal(signal?.aborted, true, 'the request signal was aborted');
    });
  });
}

function describeBehindNginx(target: AdapterConformanceTarget, nginx: NonNullable<AdapterConformanceTarget['nginx']>): void {
  describe(`${target.name}: xAccel behind nginx`, function () {
    this.timeout(60_000);
    let fixture: AdapterFixture | undefined;
    let app: RunningApp | undefined;
    let front: RunningFrontServer | undefined;
    const current = (): { fixture: AdapterFixture; app: RunningApp; front: RunningFrontServer } => ({
      fixture: fixture ?? assert.fail('no fixture'),
      app: app ?? assert.fail('the app did not start'),
      front: front ?? assert.fail('nginx did not start'),
    });

    before(async () => {
      fixture = await createAdapterFixture();
      const strategy = xAccel({ root: fixture.root, prefix: INTERNAL_PREFIX });
      const direct = directStream();
      const deliverer = createDelivery({
        environment: 'test',
        storage: new LocalStorage({ root: fixture.root }),
        strategies: [strategy, direct],
        policy: { rules: [{ name: 'nginx', use: strategy.name }], fallback: direct.name },
      });
      app = await target.serve(deliverer, fixture.resolve);
      const { port } = new URL(app.url);
      front = await nginx(strategy, { host: '127.0.0.1', port: Number(port) });
    });
    after(async () => {
      await front?.stop();
      await app?.close();
      await fixture?.remove();
    });

    it('the app answers every file with an empty 200 carrying X-Accel-Redirect, and no file length', async () => {
      for (const file of current().fixture.files()) {
        for (const method of ['GET', 'HEAD']) {
          const response = await rawResponse(`${current().app.url}${file.urlPath}`, method, { range: 'bytes=0-9' });
          assert.equal(response.status, 200, `${method} ${file.urlPath}: status`);
          assert.ok(response.headers['x-accel-redirect']?.startsWith(INTERNAL_PREFIX), `${method} ${file.urlPath}: X-Accel-Redirect`);
          assert.equal(response.body.length, 0, `${method} ${file.urlPath}: body`);
          assert.ok(['0', undefined].includes(response.headers['content-length']), `${method} ${file.urlPath}: Content-Length ${response.headers['content-length']}`);
          assert.equal(response.headers['content-range'], undefined, `${method} ${file.urlPath}: Content-Range`);
        }
      }
    });

    describeConformance({
      name: `${target.name} with xAccel behind nginx`,
      baseUrl: () => current().front.url,
      files: () => current().fixture.files(),
      missingPath: () => MISSING_PATH,
      badKeyPaths: () => BAD_KEY_PATHS,
      forbiddenHeaders: DELIVERY_HEADERS,
      secrets: () => [current().fixture.root, INTERNAL_PREFIX],
    });
  });
}

/** A GET whose response is paused before any body byte is consumed. */
function getPaused(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent: false }, (response) => {
      response.pause();
      resolve(response);
    });
    request.on('error', reject);
  });
}
