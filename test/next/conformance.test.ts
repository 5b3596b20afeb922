/**
 * The conformance kit against `deliverResponse` in a Next.js route handler, built with `next
 * build` and run with `next start` (test/next/conformance-app): with directStream, and with
 * xAccel behind the real nginx its generated config runs. Next.js drops a route handler's
 * Content-Length (since 16.4.5 and 15.5.29: bodies go out chunked), so the direct stream runs the
 * kit without it; through nginx the full kit holds, nginx sending the file with its own length.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xAccel, type DeliverOptions } from '@sendoff/core';
import { pausedResponse } from '@sendoff-tools/test-kit';
import { runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { BAD_KEY_PATHS, LARGE_PATH, MISSING_PATH, createAdapterFixture, describeConformance, rawResponse, type AdapterFixture } from '@sendoff/core/testing';
import type { AppProcess } from '../e2e/app-process.js';
import { buildNextApp, startNextApp } from './next-app.js';
import { openDescriptors, settlesAt } from './open-files.js';

const APP_DIR = join(import.meta.dirname, 'conformance-app');
const INTERNAL_PREFIX = '/_protected/';
/**
 * Hostile paths Next.js answers itself, before any route handler runs: a malformed percent-escape
 * in a dynamic segment is its own 500 (vercel/next.js#92527, #94278), a path with an empty
 * segment or a trailing slash a 308 to the path without it. The kit's other hostile keys reach the
 * handler.
 */
const ANSWERED_BY_NEXT = { malformedEscape: '/raw/%E0%A4%A', emptySegment: '/raw/docs//report.txt', trailingSlash: '/raw/' };
const HOSTILE_PATHS = BAD_KEY_PATHS.filter((path) => !Object.values(ANSWERED_BY_NEXT).includes(path));
const DELIVERY_HEADERS = ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file', 'x-sendfile2', 'x-accel-limit-rate', 'x-accel-buffering', 'x-accel-charset', 'x-accel-expires'];

interface Running {
  fixture: AdapterFixture;
  routesDir: string;
  app: AppProcess;
}

/** The fixture's files, their routes for the app, and `next start` serving them. */
async function startApp(env: Record<string, string> = {}): Promise<Running> {
  const fixture = await createAdapterFixture();
  const routesDir = await mkdtemp(join(tmpdir(), 'sendoff-next-routes-'));
  const routes: Record<string, DeliverOptions | undefined> = {};
  for (const path of [...fixture.files().map((file) => file.urlPath), LARGE_PATH]) routes[path] = fixture.resolve(path);
  await writeFile(join(routesDir, 'routes.json'), JSON.stringify(routes));
  const app = await startNextApp(APP_DIR, { SENDOFF_FILES_ROOT: fixture.root, SENDOFF_ROUTES: join(routesDir, 'routes.json'), ...env });
  return { fixture, routesDir, app };
}

async function stopApp(running: Running | undefined): Promise<void> {
  await running?.app.stop();
  if (running) await rm(running.routesDir, { recursive: true, force: true });
  await running?.fixture.remove();
}

describe('@sendoff/fetch in a Next.js route handler (next start)', function () {
  this.timeout(300_000);

  before(async () => {
    await buildNextApp(APP_DIR);
  });

  describe('directStream', () => {
    let running: Running | undefined;
    const current = (): Running => running ?? assert.fail('the app did not start');
    before(async () => {
      running = await startApp();
    });
    after(() => stopApp(running));

    describeConformance({
      name: 'Next.js route handler with directStream',
      baseUrl: () => current().app.url,
      files: () => current().fixture.files(),
      missingPath: () => MISSING_PATH,
      badKeyPaths: () => HOSTILE_PATHS,
      forbiddenHeaders: DELIVERY_HEADERS,
      secrets: () => [current().fixture.root],
      supports: { contentLength: false },
    });

    it('a client going away mid-body: the server closes the file', async () => {
      const { app, fixture } = current();
      const largeFile = join(fixture.root, 'large', 'file.bin');
      const response = await pausedResponse(`${app.url}${LARGE_PATH}`);
      assert.equal(response.statusCode, 200);
      const [first] = (await once(response.resume(), 'data')) as [Buffer];
      assert.ok(first.equals(fixture.large.subarray(0, first.length)), "the first bytes are the file's");
      response.pause();
      assert.equal(await openDescriptors(app.pid, largeFile), 1, 'the server holds the file open while it sends it');
      response.destroy();
      assert.ok(await settlesAt(() => openDescriptors(app.pid, largeFile), 0), 'the server still holds the file open after the client left');
    });

    it('a file cut while it is sent: the connection breaks off, the body never ends as if whole', async () => {
      const { app, fixture } = current();
      const largeFile = join(fixture.root, 'large', 'file.bin');
      try {
        const response = await pausedResponse(`${app.url}${LARGE_PATH}`);
        assert.equal(response.statusCode, 200);
        // The client reads nothing yet: the server stops at its buffers, far from the end of the file.
        await truncate(largeFile, 1024 * 1024);
        const { body, ended } = await bodyOf(response);
        assert.equal(ended, false, `the body ended cleanly after ${body.length} of ${fixture.large.length} bytes`);
        assert.ok(body.length < fixture.large.length, 'the whole file arrived');
        assert.ok(body.equals(fixture.large.subarray(0, body.length)), "the bytes that arrived are not the file's beginning");
      } finally {
        await writeFile(largeFile, fixture.large);
      }
    });

    it('the paths Next.js answers itself: a malformed escape never reaches the handler, an empty segment or a trailing slash is redirected', async () => {
      const { app, fixture } = current();
      const malformed = await rawResponse(`${app.url}${ANSWERED_BY_NEXT.malformedEscape}`, 'GET');
      assert.equal(malformed.status, 500, 'Next.js answers a malformed escape with its own 500 (vercel/next.js#92527)');
      assert.equal(malformed.body.toString(), 'Internal Server Error');
      const emptySegment = await rawResponse(`${app.url}${ANSWERED_BY_NEXT.emptySegment}`, 'GET');
      assert.equal(emptySegment.status, 308);
      assert.equal(emptySegment.headers['location'], '/raw/docs/report.txt');
      const trailingSlash = await rawResponse(`${app.url}${ANSWERED_BY_NEXT.trailingSlash}`, 'GET');
      assert.equal(trailingSlash.status, 308);
      assert.equal(trailingSlash.headers['location'], '/raw');
      for (const response of [malformed, emptySegment, trailingSlash]) {
        assert.ok(!response.body.toString('latin1').includes(fixture.root), 'the storage root reached the client');
        for (const name of DELIVERY_HEADERS) assert.equal(response.headers[name], undefined, name);
      }
    });
  });

  describe('xAccel behind nginx', () => {
    let running: Running | undefined;
    let front: RunningServer | undefined;
    const current = (): Running & { front: RunningServer } => ({ ...(running ?? assert.fail('the app did not start')), front: front ?? assert.fail('nginx did not start') });
    before(async () => {
      running = await startApp({ SENDOFF_XACCEL_PREFIX: INTERNAL_PREFIX });
      const { port } = new URL(running.app.url);
      front = await runServer({ server: 'nginx', strategy: xAccel({ root: running.fixture.root, prefix: INTERNAL_PREFIX }), upstream: { host: '127.0.0.1', port: Number(port) } });
    });
    after(async () => {
      await front?.stop();
      await stopApp(running);
    });

    it('Next.js passes the empty X-Accel-Redirect answer through: 200, the header, no body', async () => {
      for (const file of current().fixture.files()) {
        const response = await rawResponse(`${current().app.url}${file.urlPath}`, 'GET', { range: 'bytes=0-9' });
        assert.equal(response.status, 200, `${file.urlPath}: status`);
        assert.ok(response.headers['x-accel-redirect']?.startsWith(INTERNAL_PREFIX), `${file.urlPath}: X-Accel-Redirect`);
        assert.ok(['0', undefined].includes(response.headers['content-length']), `${file.urlPath}: Content-Length ${response.headers['content-length']}`);
        assert.equal(response.headers['content-range'], undefined, `${file.urlPath}: Content-Range`);
      }
    });

    describeConformance({
      name: 'Next.js route handler with xAccel behind nginx',
      baseUrl: () => current().front.url,
      files: () => current().fixture.files(),
      missingPath: () => MISSING_PATH,
      badKeyPaths: () => HOSTILE_PATHS,
      forbiddenHeaders: DELIVERY_HEADERS,
      secrets: () => [current().fixture.root, INTERNAL_PREFIX],
    });
  });
});

/** Every byte of a response, and whether it ended (true) or broke off (false). */
function bodyOf(response: IncomingMessage): Promise<{ body: Buffer; ended: boolean }> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    const settle = (ended: boolean) => resolve({ body: Buffer.concat(chunks), ended });
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => settle(true));
    response.once('error', () => settle(false));
    response.once('aborted', () => settle(false));
    response.resume();
  });
}
