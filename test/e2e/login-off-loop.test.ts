/**
 * Password hashing must not hold the event loop: while sign-ins are being checked, the app
 * answers everything else. The app runs as its own process (the test's loop is not the app's),
 * and the proof is an order, not a duration: a `GET /api/files` sent once the first of several
 * sign-ins has been answered is answered before the last of them.
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DEFAULT_LOGIN_LIMITS } from '../../examples/koa-app/src/auth/login-throttle.js';
import { startAppProcess, type AppProcess } from './app-process.js';
import { signIn } from './downloads.js';

/** Wrong sign-ins (each under another name), fewer than one address may fail before a 429. */
const SIGN_INS = Math.min(12, DEFAULT_LOGIN_LIMITS.perAddress - 1);

/** One request on a connection of its own; resolves with the status once the whole answer is in. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('example app process: password checks off the event loop', () => {
  let dataDir: string;
  let app: AppProcess | undefined;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sendoff-login-loop-'));
    app = await startAppProcess({ profile: 'dev', dataDir });
  });
  after(async () => {
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers GET /api/files while sign-ins are being checked', async () => {
    const url = app!.url;
    const token = await signIn(url, 'alice');
    const done: string[] = [];
    const signIns = Array.from({ length: SIGN_INS }, async (_, index) => {
      const body = JSON.stringify({ user: `nobody-${index}`, password: 'wrong' });
      const status = await send(`${url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }, body });
      done.push('sign-in');
      return status;
    });
    await Promise.race(signIns);
    const list = send(`${url}/api/files`, { headers: { Authorization: `Bearer ${token}` } }).then((status) => {
      done.push('list');
      return status;
    });
    expect(await list).to.equal(200);
    expect(await Promise.all(signIns)).to.deep.equal(Array(SIGN_INS).fill(401));
    const signInsBeforeList = done.indexOf('list');
    expect(signInsBeforeList, done.join(', ')).to.be.lessThan(SIGN_INS);
  });
});
