/**
 * nginx in front of several app processes: the generated upstream balances requests over them,
 * each one's X-Accel-Redirect is served by nginx, and a process that goes away is skipped.
 */
import { expect } from 'chai';
import { xAccel } from '@sendoff/core';
import { runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { startBackend, type Backend } from '../servers/backend.js';
import { createFixture, type Fixture } from '../servers/fixture.js';
import { fileUrl, get } from '../servers/http.js';

describe('nginx with several app processes (real nginx)', () => {
  let fixture: Fixture;
  let apps: Backend[] = [];
  let server: RunningServer | undefined;

  before(async () => {
    fixture = await createFixture(['plain.bin']);
    const strategy = xAccel({ root: fixture.root, prefix: '/_protected/' });
    apps = [await startBackend({ root: fixture.root, strategy }), await startBackend({ root: fixture.root, strategy })];
    server = await runServer({ server: 'nginx', strategy, upstream: apps.map(({ port }) => ({ host: '127.0.0.1', port })) });
  });

  after(async () => {
    await server?.stop();
    for (const app of apps) await app.stop();
    await fixture.remove();
  });

  it('balances downloads over every process, and nginx sends each file', async () => {
    const expected = fixture.byKey('plain.bin').body;
    for (let i = 0; i < 6; i++) {
      const response = await get(server!.url, fileUrl('plain.bin'));
      expect(response.status).to.equal(200);
      expect(response.body.equals(expected)).to.equal(true);
      expect(response.headers['x-accel-redirect']).to.equal(undefined);
    }
    expect(apps.map((app) => app.decisions.length)).to.deep.equal([3, 3]);
    expect(new Set(apps.flatMap((app) => app.decisions.map(({ strategy }) => strategy)))).to.deep.equal(new Set(['xAccel']));
  });

  it('skips a process that has stopped: every download still works', async () => {
    const before = apps.map((app) => app.decisions.length);
    await apps[1]!.stop();
    const expected = fixture.byKey('plain.bin').body;
    for (let i = 0; i < 4; i++) {
      const response = await get(server!.url, fileUrl('plain.bin'));
      expect(response.status).to.equal(200);
      expect(response.body.equals(expected)).to.equal(true);
    }
    expect(apps[0]!.decisions.length - before[0]!).to.equal(4);
  });
});
