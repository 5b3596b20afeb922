/**
 * Each web-server profile starts the app behind the real server, and downloads come back through
 * the server: whole files, ranges, 304s, HEAD, signed links and fresh uploads, byte for byte, with
 * no delivery header reaching the client. The app reports the Deliverer's decision for every
 * download (`startApp({ onDelivery })`), so each test also proves the server's strategy planned it:
 * a response streamed by the app itself would have the same bytes.
 */
import { expect } from 'chai';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '@sendoff/core/servers';
import type { DeliveryDecision } from '../files/observe-deliveries.js';
import { DEFAULT_LOGIN_LIMITS } from '../auth/login-throttle.js';
import { startApp, type RunningApp } from '../start-app.js';
import {
  ACTIVE_UPLOADS,
  IMAGE_UPLOAD,
  SANDBOX_CSP,
  fileNamed,
  request,
  seededBytes,
  sendJson,
  signIn,
  TEST_SECRET,
  upload,
  uploadedId,
  type RawResponse,
} from '../../test/support.js';
import { webServerProfiles } from './web-servers.js';

const DELIVERY_HEADERS = ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file', 'x-sendfile2', 'x-accel-limit-rate', 'x-lighttpd-kbytes-per-second'];
const SERVER_HEADER: Record<string, RegExp> = { nginx: /^nginx/, apache: /^Apache/, lighttpd: /^lighttpd/, caddy: /^Caddy$/ };
/** The strategy each profile puts first in its policy. */
const STRATEGY: Record<string, string> = { nginx: 'xAccel', apache: 'xSendfile', lighttpd: 'xSendfile', caddy: 'caddyAccel' };
const PDF = 'Résumé – naïve.pdf';

function expectNoDeliveryHeader(response: RawResponse): void {
  for (const header of DELIVERY_HEADERS) expect(response.headers, header).to.not.have.property(header);
}

describe('example app: web-server profiles (real servers)', function () {
  this.timeout(60_000);

  for (const name of Object.keys(webServerProfiles)) {
    describe(name, () => {
      let dataDir: string;
      let app: RunningApp | undefined;
      let alice = '';
      const decisions: DeliveryDecision[] = [];
      const current = (): RunningApp => app ?? expect.fail('the app did not start');

      before(async () => {
        dataDir = await mkdtemp(join(tmpdir(), 'sendoff-profile-'));
        await chmod(dataDir, 0o755); // the servers' workers run as another user
        app = await startApp({
          port: 0,
          dataDir,
          profile: name,
          env: { SENDOFF_APP_SECRET: TEST_SECRET },
          log: () => undefined,
          onDelivery: (decision) => decisions.push(decision),
        });
        alice = await signIn(app.url, 'alice');
      });
      beforeEach(() => {
        decisions.length = 0;
      });
      after(async () => {
        await app?.close();
        app = undefined;
        await rm(dataDir, { recursive: true, force: true });
      });

      /** The download URL of the file alice sees as `fileName`. */
      async function downloadUrl(fileName: string): Promise<string> {
        const file = await fileNamed(current().url, alice, fileName);
        return `${current().url}/api/files/${file.id}/download`;
      }

      /** Every download of the test was planned by the server's strategy, through the profile's rule. */
      function expectOffloaded(count: number): void {
        expect(decisions.map(({ rule, strategy }) => ({ rule, strategy }))).to.deep.equal(
          Array.from({ length: count }, () => ({ rule: `offload to ${name}`, strategy: STRATEGY[name] })),
        );
      }

      it(`serves a seeded file through ${name}, planned by ${STRATEGY[name]}: bytes equal, no delivery header`, async () => {
        expect(current().url).to.not.equal(current().appUrl);
        const response = await request(await downloadUrl(PDF), { token: alice });
        expect(response.status).to.equal(200);
        expect(response.headers['server']).to.match(SERVER_HEADER[name]!);
        expect(response.headers['content-type']).to.equal('application/pdf');
        expect(response.headers['content-length']).to.equal(String(seededBytes(PDF).length));
        expectNoDeliveryHeader(response);
        // The Deliverer's nosniff survives the handoff (nginx re-adds it in the internal location).
        expect(response.headers['x-content-type-options']).to.equal('nosniff');
        expect(response.headers['content-security-policy']).to.equal(undefined);
        expect(response.body.equals(seededBytes(PDF))).to.equal(true);
        expectOffloaded(1);
        expect(decisions[0]?.method).to.equal('GET');
        expect(decisions[0]?.key).to.match(/^u\/alice\/[0-9a-f-]{36}$/);
      });

      it('offloads a file whose name has `?`, `#` and `%` too: the name is metadata, the key is the server-chosen one', async () => {
        const response = await request(await downloadUrl('100% done #1?.txt'), { token: alice });
        expect(response.status).to.equal(200);
        expect(response.body.equals(seededBytes('100% done #1?.txt'))).to.equal(true);
        expectNoDeliveryHeader(response);
        expectOffloaded(1);
      });

      it(`answers a Range request with ${name}'s 206 and the bytes`, async () => {
        const body = seededBytes(PDF);
        const response = await request(await downloadUrl(PDF), { token: alice, headers: { Range: 'bytes=10-19' } });
        expect(response.status).to.equal(206);
        expect(response.headers['content-range']).to.equal(`bytes 10-19/${body.length}`);
        expect(response.body.equals(body.subarray(10, 20))).to.equal(true);
        expectNoDeliveryHeader(response);
        expectOffloaded(1);
      });

      it(`answers If-None-Match with ${name}'s own ETag by 304`, async () => {
        const url = await downloadUrl(PDF);
        const first = await request(url, { token: alice });
        const etag = first.headers['etag'];
        expect(etag).to.match(/^(W\/)?"[^"]+"$/);
        const again = await request(url, { token: alice, headers: { 'If-None-Match': etag as string } });
        expect(again.status).to.equal(304);
        expect(again.body.length).to.equal(0);
        expectNoDeliveryHeader(again);
        expectOffloaded(2);
      });

      it('answers HEAD with the length and no body', async () => {
        const response = await request(await downloadUrl(PDF), { token: alice, method: 'HEAD' });
        expect(response.status).to.equal(200);
        expect(response.headers['content-length']).to.equal(String(seededBytes(PDF).length));
        expect(response.headers['content-type']).to.equal('application/pdf');
        expect(response.body.length).to.equal(0);
        expectNoDeliveryHeader(response);
        expectOffloaded(1);
        expect(decisions[0]?.method).to.equal('HEAD');
      });

      it('delivers a signed link /l/<token> with no Authorization through the server', async () => {
        const file = await fileNamed(current().url, alice, PDF);
        // The server passes the client's Host on; a client's X-Forwarded-Host does not count (no TRUST_PROXY).
        const link = await sendJson(`${current().url}/api/files/${file.id}/link`, { ttl: 60 }, { token: alice, headers: { 'X-Forwarded-Host': 'evil.example' } });
        expect(link.status).to.equal(201);
        const url = link.json<{ url: string }>().url;
        expect(url.startsWith(`${current().url}/l/`)).to.equal(true);
        const response = await request(url);
        expect(response.status).to.equal(200);
        expect(response.headers['server']).to.match(SERVER_HEADER[name]!);
        expect(response.body.equals(seededBytes(PDF))).to.equal(true);
        expectNoDeliveryHeader(response);
        expectOffloaded(1);
      });

      it('serves a fresh upload back through the server, bytes equal', async () => {
        const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7 + 3) & 0xff));
        const uploaded = await upload(current().url, alice, { filename: `upload through ${name}?.bin`, contentType: 'application/octet-stream', bytes });
        expect(uploaded.status).to.equal(201);
        const { id } = uploaded.json<{ id: string }>();
        const response = await request(`${current().url}/api/files/${id}/download`, { token: alice });
        expect(response.status).to.equal(200);
        expect(response.headers['content-length']).to.equal(String(bytes.length));
        expect(response.body.equals(bytes)).to.equal(true);
        expectNoDeliveryHeader(response);
        expectOffloaded(1);
      });

      for (const part of ACTIVE_UPLOADS) {
        it(`serves an uploaded ${part.filename} opened inline through ${name} as an attachment, with nosniff and the sandbox CSP`, async () => {
          const id = await uploadedId(current().url, alice, part);
          const response = await request(`${current().url}/api/files/${id}/download?disposition=inline`, { token: alice });
          expect(response.status).to.equal(200);
          expect(response.headers['server']).to.match(SERVER_HEADER[name]!);
          expect(response.body.equals(part.bytes)).to.equal(true);
          expect(response.headers['content-type']).to.equal(part.contentType);
          expect(response.headers['content-disposition']).to.equal(`attachment; filename="${part.filename}"`);
          expect(response.headers['x-content-type-options']).to.equal('nosniff');
          expect(response.headers['content-security-policy']).to.equal(SANDBOX_CSP);
          expectNoDeliveryHeader(response);
          expectOffloaded(1);
        });
      }

      it(`keeps an uploaded image inline through ${name}, with nosniff`, async () => {
        const id = await uploadedId(current().url, alice, IMAGE_UPLOAD);
        const response = await request(`${current().url}/api/files/${id}/download?disposition=inline`, { token: alice });
        expect(response.status).to.equal(200);
        expect(response.body.equals(IMAGE_UPLOAD.bytes)).to.equal(true);
        expect(response.headers['content-disposition']).to.equal('inline; filename="photo.png"');
        expect(response.headers['x-content-type-options']).to.equal('nosniff');
        expect(response.headers).to.not.have.property('content-security-policy');
        expectOffloaded(1);
      });

      it(`accepts a 2 MiB upload through ${name} with the default limits (201) and serves it back`, async () => {
        const bytes = Buffer.alloc(2 * 1024 * 1024, 0x2a);
        const uploaded = await upload(current().url, alice, { filename: 'two-mebibytes.bin', contentType: 'application/octet-stream', bytes });
        expect(uploaded.status).to.equal(201);
        const response = await request(`${current().url}/api/files/${uploaded.json<{ id: string }>().id}/download`, { token: alice });
        expect(response.status).to.equal(200);
        expect(response.body.equals(bytes)).to.equal(true);
        expectOffloaded(1);
      });

      it(`sendoff doctor passes every check against the app behind ${name}`, async () => {
        const report = await runDoctor({ url: current().url });
        const failed = report.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
        expect(failed).to.deep.equal([]);
        expect(report.ok).to.equal(true);
        expect(report.checks.find((check) => check.name === 'offload in use')?.detail).to.equal(`the app hands the probe to the web server (${STRATEGY[name]})`);
      });

      // Last: it uses up the failed sign-ins of one client address.
      it(`limits failed sign-ins per client as ${name} saw it: another client keeps signing in, a forged X-Forwarded-For changes nothing`, async () => {
        const attacker = { localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': '203.0.113.7' } };
        const statuses: number[] = [];
        for (let i = 0; i < DEFAULT_LOGIN_LIMITS.perAddress; i += 1) {
          statuses.push((await sendJson(`${current().url}/api/session`, { user: `guess-${i}`, password: 'x' }, attacker)).status);
        }
        expect(statuses).to.deep.equal(statuses.map(() => 401));
        const forged = { localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': '198.51.100.9' } };
        const blocked = await sendJson(`${current().url}/api/session`, { user: 'bob', password: 'bob' }, forged);
        expect(blocked.status).to.equal(429);
        expect(blocked.headers['retry-after']).to.match(/^\d+$/);
        const other = await sendJson(`${current().url}/api/session`, { user: 'bob', password: 'bob' }, { localAddress: '127.0.0.3' });
        expect(other.status).to.equal(200);
      });
    });
  }
});
