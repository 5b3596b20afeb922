import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startApp, type StartAppOptions } from '../src/start-app.js';
import { fileNamed, request, sendJson, signIn, startTestApp, TEST_SECRET, type TestApp } from './support.js';

/** The signed link alice gets for `hello world.txt`, asked with `headers`. */
async function linkFor(t: TestApp, headers: Record<string, string> = {}): Promise<string> {
  const alice = await signIn(t.url, 'alice');
  const file = await fileNamed(t.url, alice, 'hello world.txt');
  const res = await sendJson(`${t.url}/api/files/${file.id}/link`, { ttl: 60 }, { token: alice, headers });
  expect(res.status).to.equal(201);
  return res.json<{ url: string }>().url;
}

/** Runs `test` against an app started with `options`, then stops it. */
async function withApp(options: Partial<StartAppOptions>, test: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await startTestApp(options);
  try {
    await test(t);
  } finally {
    await t.stop();
  }
}

describe('example app: the base URL of links', () => {
  it('builds links on the origin the request came to, not on the address the app listens on', async () => {
    await withApp({}, async (t) => {
      const port = new URL(t.url).port;
      expect(await linkFor(t)).to.match(new RegExp(`^http://127\\.0\\.0\\.1:${port}/l/`));
      const byName = await linkFor(t, { Host: `files.localhost:${port}` });
      expect(byName.startsWith(`http://files.localhost:${port}/l/`)).to.equal(true);
      const res = await request(byName.replace(`files.localhost:${port}`, `127.0.0.1:${port}`));
      expect(res.body.toString()).to.equal('Hello, world!\n');
    });
  });

  it('builds links on PUBLIC_URL when it is set, whatever the request says', async () => {
    await withApp({ env: { SENDOFF_APP_SECRET: TEST_SECRET, PUBLIC_URL: 'https://files.example.com/' } }, async (t) => {
      const link = await linkFor(t, { Host: 'other.example', 'X-Forwarded-Host': 'evil.example' });
      expect(link).to.match(/^https:\/\/files\.example\.com\/l\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const res = await request(link.replace('https://files.example.com', t.url));
      expect(res.status).to.equal(200);
      expect(res.body.toString()).to.equal('Hello, world!\n');
    });
    await withApp({ publicUrl: 'http://127.0.0.1:8080/files' }, async (t) => {
      expect((await linkFor(t)).startsWith('http://127.0.0.1:8080/files/l/')).to.equal(true);
    });
  });

  it('ignores X-Forwarded-Host and X-Forwarded-Proto by default', async () => {
    await withApp({}, async (t) => {
      const link = await linkFor(t, { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' });
      expect(link.startsWith(`${t.url}/l/`)).to.equal(true);
      expect(link).to.not.include('evil.example');
    });
  });

  it('honours X-Forwarded-Host and X-Forwarded-Proto with TRUST_PROXY=1 (or startApp({ trustProxy: true }))', async () => {
    const forwarded = { 'X-Forwarded-Host': 'files.example.com', 'X-Forwarded-Proto': 'https' };
    await withApp({ env: { SENDOFF_APP_SECRET: TEST_SECRET, TRUST_PROXY: '1' } }, async (t) => {
      expect((await linkFor(t, forwarded)).startsWith('https://files.example.com/l/')).to.equal(true);
    });
    await withApp({ trustProxy: true }, async (t) => {
      expect((await linkFor(t, forwarded)).startsWith('https://files.example.com/l/')).to.equal(true);
    });
  });

  it('refuses a PUBLIC_URL that is not an absolute http(s) URL without query or fragment, and a TRUST_PROXY that is not 0 or 1, at start', async () => {
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-example-'));
    try {
      const failures: Array<[string, string]> = [];
      const bad = ['files.example.com', '/files', 'ftp://files.example.com', 'https://files.example.com/?a=1', 'https://files.example.com/#top', 'https://user:secret@files.example.com', 'https://files.example.com?'];
      for (const value of bad) {
        await startApp({ port: 0, dataDir, env: { SENDOFF_APP_SECRET: TEST_SECRET, PUBLIC_URL: value } }).then(
          async (app) => app.close(),
          (error: unknown) => failures.push([value, String(error)]),
        );
      }
      expect(failures.map(([value]) => value)).to.deep.equal(bad);
      for (const [value, message] of failures) {
        expect(message).to.include('PUBLIC_URL must be an absolute http(s) URL with no query, fragment or credentials');
        if (!value.includes('secret')) expect(message).to.include(JSON.stringify(value));
        expect(message).to.not.include('secret@');
      }
      let failure = '';
      await startApp({ port: 0, dataDir, env: { SENDOFF_APP_SECRET: TEST_SECRET, TRUST_PROXY: 'yes' } }).then(
        async (app) => app.close(),
        (error: unknown) => (failure = String(error)),
      );
      expect(failure).to.include('TRUST_PROXY must be 0 or 1, got "yes"');
    } finally {
      await fsp.rm(dataDir, { recursive: true, force: true });
    }
  });
});
