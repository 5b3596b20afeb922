/**
 * With a web server in front, HOST and PORT are the web server's: the app itself listens on a
 * loopback port only the web server uses, so nobody reaches the app around it (its delivery headers,
 * its trust in the web server's X-Forwarded-For).
 */
import { expect } from 'chai';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../start-app.js';
import { request, TEST_SECRET } from '../../test/support.js';

describe('example app: where a web-server profile listens', function () {
  this.timeout(60_000);
  let dataDir: string;
  let app: RunningApp | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sendoff-listen-'));
    await chmod(dataDir, 0o755); // the server's workers run as another user
    // 127.0.0.2 stands for a public address: any loopback address but the app's own.
    app = await startApp({ port: 0, host: '127.0.0.2', dataDir, profile: 'nginx', env: { SENDOFF_APP_SECRET: TEST_SECRET }, log: () => undefined });
  });
  after(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('puts nginx on HOST and the app on 127.0.0.1 only', async () => {
    const publicUrl = new URL(app!.url);
    const appUrl = new URL(app!.appUrl);
    expect(publicUrl.hostname).to.equal('127.0.0.2');
    expect(appUrl.hostname).to.equal('127.0.0.1');
    expect((await request(`${app!.url}/_sendoff/probe`)).headers['server']).to.match(/^nginx/);
    const around = await request(`http://127.0.0.2:${appUrl.port}/_sendoff/probe`).then(
      (response) => `answered ${response.status}`,
      (error: { code?: string }) => error.code,
    );
    expect(around, 'the app port on the public address').to.equal('ECONNREFUSED');
  });
});
