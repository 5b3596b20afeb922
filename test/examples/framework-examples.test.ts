/**
 * The one-file framework examples under examples/ (Express, Fastify), each started as an app is
 * (its own Node process, tsx, FILES_ROOT and PORT from the environment): in development they
 * stream a Range themselves; with NODE_ENV=production they answer X-Accel-Redirect, and the real
 * nginx their generated config runs sends the range. A bad key is a 4xx, a missing file a 404.
 */
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { xAccel } from '@sendoff/core';
import { portFrom, spawnScript, stopChild, waitForAnnouncement } from '@sendoff-tools/test-kit';
import { runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { createFixture, type Fixture } from '../servers/fixture.js';
import { get } from '../servers/http.js';

const EXAMPLES = ['express', 'fastify'];
const KEY = 'Résumé – naïve.pdf';
const NESTED_KEY = 'with spaces/a file name.txt';

function downloadPath(key: string): string {
  return `/downloads/${key.split('/').map(encodeURIComponent).join('/')}`;
}

for (const example of EXAMPLES) {
  describe(`examples/${example}`, function () {
    this.timeout(60_000);
    let fixture: Fixture | undefined;
    let app: ChildProcess | undefined;
    let nginx: RunningServer | undefined;

    /** Starts the example; what it logs (Express logs every error it renders) is kept out of the test output. */
    async function start(environment: string): Promise<string> {
      app = spawnScript(new URL(`../../examples/${example}/server.ts`, import.meta.url), [], {
        env: { ...process.env, NODE_ENV: environment, FILES_ROOT: fixture!.root, PORT: '0', HOST: '127.0.0.1' },
        stderr: 'pipe',
      });
      app.stderr?.resume();
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
      expect(range.body.equals(body.subarray(100, 200))).to.equal(true);
      expect(range.headers['content-disposition']).to.match(/^attachment; filename=.*filename\*=UTF-8''R%C3%A9sum%C3%A9/);
      expect(range.headers['x-accel-redirect']).to.equal(undefined);
      const nested = await get(url, downloadPath(NESTED_KEY));
      expect(nested.status).to.equal(200);
      expect(nested.body.equals(fixture!.byKey(NESTED_KEY).body)).to.equal(true);
      expect((await get(url, '/downloads/..%2F..%2Fetc%2Fpasswd')).status).to.be.within(400, 499);
      expect((await get(url, '/downloads/missing.txt')).status).to.equal(404);
    });

    it('in development: a refusal shows its status and message, never a stack or a source path', async () => {
      const url = await start('development');
      for (const [path, status, message] of [
        ['/downloads/..%2F..%2Fetc%2Fpasswd', 400, 'invalid key'],
        ['/downloads/missing.txt', 404, 'file not found'],
      ] as const) {
        const refused = await get(url, path);
        const text = refused.body.toString();
        expect(refused.status, path).to.equal(status);
        expect(text, path).to.include(message);
        expect(text, path).to.not.match(/SendoffError|\bat [^ ]+ \(|\.ts:\d+/);
        expect(text, path).to.not.include(fixture!.root);
      }
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
