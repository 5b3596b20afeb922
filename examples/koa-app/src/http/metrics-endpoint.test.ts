/**
 * `GET /metrics` exists only with a `METRICS_TOKEN` long enough to be a secret; the split the page
 * shows is for signed-in users. (The metrics' values, through the real app process, are in
 * test/e2e/observability.test.ts.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { startApp } from '../start-app.js';
import { fileNamed, request, signIn, startTestApp, TEST_SECRET } from '../../test/support.js';

describe('example app: /metrics and /api/deliveries', () => {
  it('has no /metrics without METRICS_TOKEN: 404', async () => {
    const t = await startTestApp();
    try {
      const response = await request(`${t.url}/metrics`, { headers: { Authorization: 'Bearer anything-at-all-0123456789' } });
      expect(response.status).to.equal(404);
      expect(response.body.toString()).to.not.include('sendoff_');
    } finally {
      await t.stop();
    }
  });

  it('takes the scrape token with the Bearer scheme in any case, and nothing else', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sendoff-metrics-scheme-'));
    const token = 'scrape-token-0123456789';
    const app = await startApp({ port: 0, dataDir, env: { SENDOFF_APP_SECRET: TEST_SECRET, METRICS_TOKEN: token }, log: () => undefined });
    try {
      for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
        const response = await request(`${app.url}/metrics`, { headers: { Authorization: `${scheme} ${token}` } });
        expect(response.status, scheme).to.equal(200);
      }
      for (const header of [`Basic ${token}`, `Bearer ${token}x`, `Bearer  ${token}`, token]) {
        const response = await request(`${app.url}/metrics`, { headers: { Authorization: header } });
        expect(response.status, header).to.equal(401);
      }
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a METRICS_TOKEN shorter than 16 characters', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sendoff-metrics-token-'));
    try {
      const failure = await startApp({ port: 0, dataDir, env: { SENDOFF_APP_SECRET: TEST_SECRET, METRICS_TOKEN: 'short' }, log: () => undefined }).then(
        async (app) => {
          await app.close();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(Error);
      expect((failure as Error).message).to.equal('METRICS_TOKEN must be at least 16 characters without spaces');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('tells a signed-in user the split between strategies, and asks anyone else to sign in', async () => {
    const lines: string[] = [];
    const t = await startTestApp({ downloadLog: (line) => lines.push(line) });
    try {
      expect((await request(`${t.url}/api/deliveries`)).status).to.equal(401);
      const alice = await signIn(t.url, 'alice');
      const file = await fileNamed(t.url, alice, 'hello world.txt');
      const before = (await request(`${t.url}/api/deliveries`, { token: alice })).json<{ byStrategy: Record<string, number> }>().byStrategy;
      const download = await request(`${t.url}/api/files/${file.id}/download`, { token: alice });
      expect([download.status, download.body.toString()]).to.deep.equal([200, 'Hello, world!\n']);
      const after = await request(`${t.url}/api/deliveries`, { token: alice });
      expect(after.status).to.equal(200);
      expect(after.json<{ byStrategy: Record<string, number> }>().byStrategy['directStream']).to.equal((before['directStream'] ?? 0) + 1);
      // A streamed download is logged when its stream closes, which may come just after the response.
      const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['file'] === file.id);
      for (let attempt = 0; attempt < 50 && logged().length === 0; attempt++) await delay(20);
      expect(logged()).to.have.length(1);
      expect(logged()[0]).to.include({ strategy: 'directStream', status: 200, bytes: 14, stream: 'finished' });
    } finally {
      await t.stop();
    }
  });
});
