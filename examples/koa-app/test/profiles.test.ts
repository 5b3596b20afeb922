import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { profileNamed, profiles, DEFAULT_PROFILE } from '../src/profiles/index.js';
import { startApp } from '../src/start-app.js';
import { request, signIn, startTestApp, TEST_SECRET } from './support.js';

describe('example app: profiles and start-up', () => {
  it('knows the dev profile and uses it by default', () => {
    expect(DEFAULT_PROFILE).to.equal('dev');
    expect(profileNamed('dev')).to.equal(profiles['dev']);
  });

  it('fails on an unknown profile with a message listing the known ones', async () => {
    expect(() => profileNamed('nginx-typo')).to.throw(/unknown SENDOFF_PROFILE "nginx-typo"; known profiles: .*\bdev\b/);
    expect(() => profileNamed('__proto__')).to.throw(/unknown SENDOFF_PROFILE/);
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-example-'));
    try {
      let failure: unknown;
      await startApp({ port: 0, dataDir, profile: 'nope', env: {} }).catch((error: unknown) => (failure = error));
      expect(String(failure)).to.match(/unknown SENDOFF_PROFILE "nope"; known profiles: .*\bdev\b/);
    } finally {
      await fsp.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('seeds only on the first start; a restart keeps files, tokens and the data directory', async () => {
    const first = await startTestApp();
    try {
      expect(first.app.seeded).to.equal(true);
      const token = await signIn(first.url, 'alice');
      await first.app.close();
      const second = await startApp({ port: 0, dataDir: first.dataDir, env: { SENDOFF_APP_SECRET: TEST_SECRET }, log: () => undefined });
      try {
        expect(second.seeded).to.equal(false);
        const res = await request(`${second.url}/api/files`, { token });
        expect(res.status).to.equal(200);
        const names = (res.json() as Array<{ name: string }>).map((f) => f.name);
        expect(names.filter((n) => n === 'hello world.txt')).to.have.length(1);
      } finally {
        await second.close();
      }
    } finally {
      await first.app.close();
      await fsp.rm(first.dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a bad UPLOAD_LIMIT_BYTES and a short SENDOFF_APP_SECRET', async () => {
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-example-'));
    try {
      const errors: string[] = [];
      await startApp({ port: 0, dataDir, env: { UPLOAD_LIMIT_BYTES: 'lots' } }).catch((e: unknown) => errors.push(String(e)));
      await startApp({ port: 0, dataDir, env: { SENDOFF_APP_SECRET: 'short' } }).catch((e: unknown) => errors.push(String(e)));
      for (const raw of ['1e6', '0x100', ' 1000', '1000.0', '+5', '0']) {
        const error = await startApp({ port: 0, dataDir, env: { UPLOAD_LIMIT_BYTES: raw } }).then(() => 'started', (e: unknown) => String(e));
        expect(error, raw).to.include(`UPLOAD_LIMIT_BYTES must be a positive integer in decimal digits, got "${raw}"`);
      }
      expect(errors).to.have.length(2);
      expect(errors[0]).to.include('UPLOAD_LIMIT_BYTES must be a positive integer in decimal digits, got "lots"');
      expect(errors[1]).to.match(/SENDOFF_APP_SECRET must be at least 32 bytes/);
    } finally {
      await fsp.rm(dataDir, { recursive: true, force: true });
    }
  });
});
