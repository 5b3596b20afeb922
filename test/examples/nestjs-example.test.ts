/**
 * examples/nestjs started as an app is (its own Node process, tsx from the example's directory for
 * Nest's decorators, FILES_ROOT and PORT from the environment), on Nest's Express and Fastify
 * platforms: in development it streams a Range itself; with NODE_ENV=production it answers
 * X-Accel-Redirect, and the real nginx its generated config runs sends the range. A hostile
 * path (traversal, NUL, CR/LF, broken escapes) is a 4xx, a missing file a 404, through Nest's
 * exception filters.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { xAccel } from '@sendoff/core';
import { runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { portFrom, spawnScript, stopChild, waitForAnnouncement } from '@sendoff-tools/test-kit';
import { createFixture, type Fixture } from '../servers/fixture.js';
import { get } from '../servers/http.js';

const EXAMPLE = new URL('../../examples/nestjs/server.ts', import.meta.url);
const EXAMPLE_DIR = fileURLToPath(new URL('.', EXAMPLE));
const PLATFORMS = ['express', 'fastify'];
const KEY = 'Résumé – naïve.pdf';
const NESTED_KEY = 'with spaces/a file name.txt';
/** Paths a hostile client sends: traversal in every spelling, NUL, CR/LF, a broken escape, empty segments. */
const HOSTILE_PATHS = [
  '/downloads/..%2F..%2Fetc%2Fpasswd',
  '/downloads/%2e%2e/%2e%2e/etc/passwd',
  '/downloads/%252e%252e%252fetc%252fpasswd',
  '/downloads/%2Fetc%2Fpasswd',
  '/downloads/a%5C..%5C..%5Cwin.ini',
  '/downloads/a%00b.txt',
  '/downloads/a%0d%0aX-Accel-Redirect:%20/etc/passwd',
  '/downloads/%E0%A4%A',
  '/downloads/%',
  '/downloads/with%20spaces//a%20file%20name.txt',
  '/downloads/%EF%BC%8E%EF%BC%8E/etc/passwd',
  '/downloads/',
  `/downloads/${'a'.repeat(5000)}`,
];

function downloadPath(key: string): string {
  return `/downloads/${key.split('/').map(encodeURIComponent).join('/')}`;
}

for (const platform of PLATFORMS) {
  describe(`examples/nestjs on Nest's ${platform} platform`, function () {
    this.timeout(60_000);
    let fixture: Fixture | undefined;
    let app: ChildProcess | undefined;
    let nginx: RunningServer | undefined;

    async function start(environment: string): Promise<string> {
      app = spawnScript(EXAMPLE, [], {
        cwd: EXAMPLE_DIR,
        env: { ...process.env, NODE_ENV: environment, PLATFORM: platform, FILES_ROOT: fixture!.root, PORT: '0', HOST: '127.0.0.1' },
      });
      const port = await waitForAnnouncement(app, { read: portFrom, what: 'port', timeoutMs: 30_000 });
      return `http://127.0.0.1:${port}`;
    }

    beforeEach(async () => {
      fixture = await createFixture();
    });
    afterEach(async () => {
      await nginx?.stop();
      nginx = undefined;
      if (app) await stopChild(app);
      app = undefined;
      await fixture?.remove();
    });

    /** Every hostile path is a 4xx, with no delivery header and no path of the machine. */
    async function expectRefused(url: string): Promise<void> {
      for (const path of HOSTILE_PATHS) {
        const refused = await get(url, path);
        expect(refused.status, path).to.be.within(400, 499);
        expect(refused.body.toString(), path).to.not.include(fixture!.root);
        expect(refused.headers['x-accel-redirect'], path).to.equal(undefined);
      }
    }

    it('in development: streams a Range itself, with the file name; a bad key is a 400, a missing file a 404', async () => {
      const url = await start('development');
      const body = fixture!.byKey(KEY).body;
      const range = await get(url, downloadPath(KEY), { range: 'bytes=100-199' });
      expect(range.status).to.equal(206);
      expect(range.headers['content-range']).to.equal(`bytes 100-199/${body.length}`);
      expect(range.headers['content-length']).to.equal('100');
      expect(range.body.equals(body.subarray(100, 200))).to.equal(true);
      expect(range.headers['content-disposition']).to.match(/^attachment; filename=.*filename\*=UTF-8''R%C3%A9sum%C3%A9/);
      expect(range.headers['x-accel-redirect']).to.equal(undefined);
      const nested = await get(url, downloadPath(NESTED_KEY));
      expect(nested.status).to.equal(200);
      expect(nested.body.equals(fixture!.byKey(NESTED_KEY).body)).to.equal(true);
      const hostile = await get(url, '/downloads/..%2F..%2Fetc%2Fpasswd');
      expect(hostile.status).to.equal(400);
      expect(hostile.body.toString()).to.not.include(fixture!.root);
      await expectRefused(url);
      const missing = await get(url, '/downloads/missing.txt');
      expect(missing.status).to.equal(404);
      expect(JSON.parse(missing.body.toString())).to.deep.include({ statusCode: 404, code: 'NOT_FOUND' });
    });

    it('in production: answers X-Accel-Redirect, and nginx in front sends the Range', async () => {
      const url = await start('production');
      const body = fixture!.byKey(KEY).body;
      const direct = await get(url, downloadPath(KEY), { range: 'bytes=100-199' });
      expect(direct.status).to.equal(200);
      expect(direct.headers['x-accel-redirect']).to.match(/^\/_protected\//);
      expect(direct.body).to.have.length(0);
      nginx = await runServer({ server: 'nginx', strategy: xAccel({ root: fixture!.root, prefix: '/_protected/' }), upstream: { host: '127.0.0.1', port: Number(new URL(url).port) } });
      const range = await get(nginx.url, downloadPath(KEY), { range: 'bytes=100-199' });
      expect(range.status).to.equal(206);
      expect(range.headers['content-range']).to.equal(`bytes 100-199/${body.length}`);
      expect(range.body.equals(body.subarray(100, 200))).to.equal(true);
      expect(range.headers['x-accel-redirect']).to.equal(undefined);
      await expectRefused(url);
      await expectRefused(nginx.url);
    });
  });
}
