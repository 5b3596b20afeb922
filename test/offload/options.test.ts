/**
 * The offload options that add headers for the server to consume, against the real servers:
 * nginx with `xAccel({ limitRate, buffering: false, charset })` and lighttpd with
 * `xSendfile({ kbytesPerSecond })`. The app really sends the option headers (checked on the plan);
 * the client gets the file's bytes, ranges still work, and none of the option headers leaks.
 * (The rates are high on purpose: these tests check correctness, never timing.)
 */
import { expect } from 'chai';
import { xAccel, xSendfile } from '@sendoff/core';
import type { OffloadStrategy, ServerKind } from '@sendoff/core/servers';
import { startBackend, type Backend } from '../servers/backend.js';
import { createFixture, type Fixture } from '../servers/fixture.js';
import { fileUrl, get, type RawResponse } from '../servers/http.js';
import { deliveryHeadersOf, planFor } from '../servers/plan-for.js';
import { startServer, type StartedServer } from '../servers/start-server.js';

interface OptionsCase {
  server: ServerKind;
  strategy(root: string): OffloadStrategy;
  /** The delivery headers the plan carries for plain.bin (the path header checked apart). */
  optionHeaders: Record<string, string>;
}

const CASES: OptionsCase[] = [
  {
    server: 'nginx',
    strategy: (root) => xAccel({ root, prefix: '/_protected/', limitRate: 50_000_000, buffering: false, charset: 'utf-8' }),
    optionHeaders: { 'x-accel-limit-rate': '50000000', 'x-accel-buffering': 'no', 'x-accel-charset': 'utf-8' },
  },
  {
    server: 'lighttpd',
    strategy: (root) => xSendfile({ server: 'lighttpd', root, kbytesPerSecond: 100_000 }),
    optionHeaders: { 'x-lighttpd-kbytes-per-second': '100000' },
  },
];

const KEYS = ['plain.bin', 'with spaces/a file name.txt', 'other.bin'];

function expectNoOffloadHeader(response: RawResponse, root: string): void {
  expect(Object.keys(response.headers).filter((name) => /^(x-accel-|x-sendfile|x-lighttpd-)/.test(name))).to.deep.equal([]);
  for (const value of Object.values(response.headers)) expect(value).to.not.include(root);
  for (const value of Object.values(response.headers)) expect(value).to.not.include('/_protected/');
}

for (const testCase of CASES) {
  describe(`offload options through ${testCase.server}`, function () {
    this.timeout(60_000);
    let fixture: Fixture | undefined;
    let backend: Backend | undefined;
    let server: StartedServer | undefined;
    let strategy: OffloadStrategy | undefined;
    const current = () => ({ fixture: fixture ?? expect.fail('no fixture'), server: server ?? expect.fail('no server') });

    before(async () => {
      fixture = await createFixture(KEYS);
      strategy = testCase.strategy(fixture.root);
      backend = await startBackend({ root: fixture.root, strategy });
      server = await startServer(testCase.server, { upstreamPort: backend.port, strategy });
    });
    after(async () => {
      await server?.stop();
      await backend?.stop();
      await fixture?.remove();
    });

    it('the app sends the option headers next to the delivery header', async () => {
      const headers = deliveryHeadersOf(await planFor(strategy!, current().fixture.root, 'plain.bin'));
      expect(headers).to.include(testCase.optionHeaders);
    });

    for (const key of KEYS) {
      it(`serves ${JSON.stringify(key)} whole through the offload: 200, bytes equal, no X-* option header`, async () => {
        const { fixture, server } = current();
        const response = await get(server.url, fileUrl(key));
        expect(response.status, server.output()).to.equal(200);
        expect(response.headers['content-length']).to.equal(String(fixture.byKey(key).body.length));
        expect(response.body.equals(fixture.byKey(key).body)).to.equal(true);
        expectNoOffloadHeader(response, fixture.root);
        expect(backend?.decisions.at(-1)).to.deep.equal({ rule: 'offload', strategy: strategy!.name });
      });
    }

    it('answers a range with the options on: 206 and the bytes', async () => {
      const { fixture, server } = current();
      const body = fixture.byKey('plain.bin').body;
      const response = await get(server.url, fileUrl('plain.bin'), { range: 'bytes=5-24' });
      expect(response.status).to.equal(206);
      expect(response.headers['content-range']).to.equal(`bytes 5-24/${body.length}`);
      expect(response.body.equals(body.subarray(5, 25))).to.equal(true);
      expectNoOffloadHeader(response, fixture.root);
    });

    it('answers HEAD with the length and no body', async () => {
      const { fixture, server } = current();
      const response = await get(server.url, fileUrl('plain.bin'), {}, 'HEAD');
      expect(response.status).to.equal(200);
      expect(response.headers['content-length']).to.equal(String(fixture.byKey('plain.bin').body.length));
      expect(response.body.length).to.equal(0);
      expectNoOffloadHeader(response, fixture.root);
    });
  });
}
