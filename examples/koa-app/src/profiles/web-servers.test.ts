/**
 * Each web-server profile starts the app behind the real server, and a seeded file comes back
 * through the server byte for byte, with no delivery header reaching the client.
 */
import { expect } from 'chai';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_FILES } from '../seed/seed-data.js';
import { startApp, type RunningApp } from '../start-app.js';
import { request, signIn, TEST_SECRET } from '../../test/support.js';
import { webServerProfiles } from './web-servers.js';
import { runDoctor } from '@sendoff/cli';

const DELIVERY_HEADERS = ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file', 'x-sendfile2'];
const SERVER_HEADER: Record<string, RegExp> = { nginx: /^nginx/, apache: /^Apache/, lighttpd: /^lighttpd/, caddy: /^Caddy$/ };

function seededBytes(name: string): Buffer {
  const seed = SEED_FILES.find((file) => file.name === name);
  if (seed === undefined) throw new Error(`no seed file ${name}`);
  const body = seed.body();
  if (!Buffer.isBuffer(body)) throw new Error(`seed file ${name} is not small`);
  return body;
}

async function download(app: RunningApp, token: string, name: string) {
  const list = await request(`${app.url}/api/files`, { token });
  expect(list.status).to.equal(200);
  const file = (list.json() as Array<{ id: string; name: string }>).find((entry) => entry.name === name);
  expect(file, `seeded file ${name}`).to.not.equal(undefined);
  return request(`${app.url}/api/files/${file!.id}/download`, { token });
}

describe('example app: web-server profiles (real servers)', () => {
  let dataDir: string;
  let app: RunningApp | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sendoff-profile-'));
    await chmod(dataDir, 0o755); // the servers' workers run as another user
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const name of Object.keys(webServerProfiles)) {
    it(`${name}: serves a seeded file through ${name}, bytes equal, no delivery header`, async () => {
      app = await startApp({ port: 0, dataDir, profile: name, env: { SENDOFF_APP_SECRET: TEST_SECRET }, log: () => undefined });
      expect(app.url).to.not.equal(app.appUrl);
      const token = await signIn(app.url, 'alice');
      const response = await download(app, token, 'Résumé – naïve.pdf');
      expect(response.status).to.equal(200);
      expect(response.headers['server']).to.match(SERVER_HEADER[name]!);
      expect(response.headers['content-type']).to.equal('application/pdf');
      for (const header of DELIVERY_HEADERS) expect(response.headers, header).to.not.have.property(header);
      // The app's download headers survive the handoff (nginx only through keepHeaders).
      expect(response.headers['x-content-type-options']).to.equal('nosniff');
      expect(response.headers['content-security-policy']).to.equal("default-src 'none'; sandbox");
      expect(response.body.equals(seededBytes('Résumé – naïve.pdf'))).to.equal(true);
      if (name === 'caddy') {
        // Caddy cannot be told about `?` in a name: the policy falls back to directStream.
        const fallback = await download(app, token, '100% done #1?.txt');
        expect(fallback.status).to.equal(200);
        expect(fallback.body.toString('utf8')).to.equal(seededBytes('100% done #1?.txt').toString('utf8'));
      }
    });

    it(`${name}: sendoff doctor passes every check against the app behind ${name}`, async () => {
      app = await startApp({ port: 0, dataDir, profile: name, env: { SENDOFF_APP_SECRET: TEST_SECRET }, log: () => undefined });
      const report = await runDoctor({ url: app.url });
      const failed = report.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
      expect(failed).to.deep.equal([]);
      expect(report.ok).to.equal(true);
    });
  }
});
