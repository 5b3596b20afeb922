// An app started under umask 077 behind its own web server: every file it writes must stay
// readable by the server's workers (another user), or each download is a 403.
import { expect } from 'chai';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../start-app.js';
import { request, signIn, TEST_SECRET, upload } from '../../test/support.js';

describe('example app: a web-server profile started under umask 077', function () {
  this.timeout(60_000);
  let dataDir: string;
  let app: RunningApp | undefined;
  let previousUmask: number;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sendoff-umask-'));
    await chmod(dataDir, 0o755); // the operator's directory; what the app creates inside is the test
    previousUmask = process.umask(0o077);
    app = await startApp({ port: 0, dataDir, profile: 'nginx', env: { SENDOFF_APP_SECRET: TEST_SECRET }, log: () => undefined });
  });
  after(async () => {
    process.umask(previousUmask);
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts, and nginx delivers a file uploaded then, byte for byte', async () => {
    const token = await signIn(app!.url, 'alice');
    const bytes = Buffer.from('written under umask 077\n');
    const created = await upload(app!.url, token, { filename: 'private.txt', contentType: 'text/plain', bytes });
    expect(created.status).to.equal(201);
    const { id } = created.json<{ id: string }>();
    const download = await request(`${app!.url}/api/files/${id}/download`, { token });
    expect(download.status).to.equal(200);
    expect(download.headers['server']).to.match(/^nginx/);
    expect(download.body.equals(bytes)).to.equal(true);
    expect((await stat(join(dataDir, 'files'))).mode & 0o777).to.equal(0o755);
  });
});
