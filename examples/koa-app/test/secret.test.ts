import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startApp } from '../src/start-app.js';
import { request, signIn } from './support.js';

/** A fresh data directory for one test, removed after it. */
async function withDataDir(use: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-example-'));
  try {
    await use(dataDir);
  } finally {
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
}

/** The message startApp rejects with, or a failure when it starts. */
async function startFailure(dataDir: string, env: Record<string, string> = {}): Promise<string> {
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    app = await startApp({ port: 0, dataDir, env, log: () => undefined });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  await app.close();
  throw new Error('the app started');
}

describe('example app: the signing secret', () => {
  const badFiles: Array<[string, string]> = [
    ['an empty file', ''],
    ['white space only', '  \n'],
    ['text that is not hex', 'not a secret at all, just some words in a file'],
    ['64 characters that are not all hex', 'zz' + 'ab'.repeat(31)],
    ['an odd number of hex digits', 'a'.repeat(63)],
    ['31 bytes of hex', 'ab'.repeat(31)],
    ['33 bytes of hex', 'ab'.repeat(33)],
  ];
  for (const [title, content] of badFiles) {
    it(`refuses to start on a secret.key holding ${title}, naming the file and the fix`, async () => {
      await withDataDir(async (dataDir) => {
        const file = path.join(dataDir, 'secret.key');
        await fsp.writeFile(file, content);
        const message = await startFailure(dataDir);
        expect(message).to.include(file);
        expect(message).to.include('64 hexadecimal characters');
        expect(message).to.match(/delete it/);
        expect(message).to.include('SENDOFF_APP_SECRET');
        expect(await fsp.readFile(file, 'utf8')).to.equal(content);
      });
    });
  }

  it('creates a 64-hex-character secret.key on first start and keeps tokens valid across a restart', async () => {
    await withDataDir(async (dataDir) => {
      const first = await startApp({ port: 0, dataDir, env: {}, log: () => undefined });
      let token: string;
      try {
        token = await signIn(first.url, 'alice');
      } finally {
        await first.close();
      }
      expect(await fsp.readFile(path.join(dataDir, 'secret.key'), 'utf8')).to.match(/^[0-9a-f]{64}$/);
      const second = await startApp({ port: 0, dataDir, env: {}, log: () => undefined });
      try {
        expect((await request(`${second.url}/api/files`, { token })).status).to.equal(200);
      } finally {
        await second.close();
      }
    });
  });

  it('accepts a secret.key with surrounding white space and upper-case hex', async () => {
    await withDataDir(async (dataDir) => {
      await fsp.writeFile(path.join(dataDir, 'secret.key'), `  ${'AB'.repeat(32)}\n`);
      const app = await startApp({ port: 0, dataDir, env: {}, log: () => undefined });
      await app.close();
    });
  });

  it('refuses a SENDOFF_APP_SECRET shorter than 32 bytes, and takes 32 bytes of multi-byte characters', async () => {
    await withDataDir(async (dataDir) => {
      expect(await startFailure(dataDir, { SENDOFF_APP_SECRET: 'x'.repeat(31) })).to.match(/SENDOFF_APP_SECRET must be at least 32 bytes/);
      const app = await startApp({ port: 0, dataDir, env: { SENDOFF_APP_SECRET: 'é'.repeat(16) }, log: () => undefined });
      await app.close();
    });
  });
});
