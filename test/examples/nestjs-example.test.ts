/**
 * examples/nestjs started as an app is (its own Node process, tsx from the example's directory for
 * Nest's decorators, FILES_ROOT and PORT from the environment), on Nest's Express and Fastify
 * platforms: in development it streams a Range itself; with NODE_ENV=production it answers
 * X-Accel-Redirect, and the real nginx its generated config runs sends the range. A bad key is a
 * 4xx, a missing file a 404, through Nest's exception filters.
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
    });
  });
}
