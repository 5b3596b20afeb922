import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { SessionTokens } from '../src/auth/session-tokens.js';
import type { AppSettings } from '../src/settings.js';
import { expectError, request, sendJson, signIn, startTestApp, TEST_SECRET, type TestApp } from './support.js';

describe('example app: sessions and authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('POST /api/session gives a token for the right password', async () => {
    const res = await sendJson(`${t.url}/api/session`, { user: 'alice', password: 'alice' });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    const { token } = res.json<{ token: string }>();
    expect(token).to.match(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const files = await request(`${t.url}/api/files`, { token });
    expect(files.status).to.equal(200);
  });

  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const wrong = await sendJson(`${t.url}/api/session`, { user: 'alice', password: 'bob' });
    const unknown = await sendJson(`${t.url}/api/session`, { user: 'mallory', password: 'x' });
    expectError(wrong, 401, 'UNAUTHORIZED');
    expectError(unknown, 401, 'UNAUTHORIZED');
    expect(wrong.body.equals(unknown.body)).to.equal(true);
  });

  it('answers 400 to malformed JSON and to a body of the wrong shape', async () => {
    const malformed = await request(`${t.url}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"user":' });
    expectError(malformed, 400, 'BAD_REQUEST');
    const missing = await sendJson(`${t.url}/api/session`, { user: 'alice' });
    expectError(missing, 400, 'BAD_REQUEST');
    const wrongType = await sendJson(`${t.url}/api/session`, { user: 42, password: 'alice' });
    expectError(wrongType, 400, 'BAD_REQUEST');
  });

  it('takes the Bearer scheme in any case (RFC 9110: schemes are case-insensitive)', async () => {
    const token = await signIn(t.url, 'alice');
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const res = await request(`${t.url}/api/files`, { headers: { Authorization: `${scheme} ${token}` } });
      expect(res.status, scheme).to.equal(200);
    }
  });

  it('answers 401 without a token, with a malformed one, a tampered one and an expired one', async () => {
    const token = await signIn(t.url, 'alice');
    const [body, signature] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ u: 'bob', exp: 4102444800 })).toString('base64url');
    const settings = { secret: Buffer.from(TEST_SECRET, 'utf8'), sessionTtlSeconds: 60 } as AppSettings;
    const expired = new SessionTokens(settings).issue('alice', Date.now() - 3600_000);
    const cases: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer' },
      { Authorization: `Basic ${Buffer.from('alice:alice').toString('base64')}` },
      { Authorization: 'Bearer not-a-token' },
      { Authorization: `Bearer ${forged}.${signature}` },
      { Authorization: `Bearer ${body}.${signature.slice(0, -2)}AA` },
      { Authorization: `Bearer ${expired}` },
    ];
    for (const headers of cases) {
      const res = await request(`${t.url}/api/files`, { headers });
      expectError(res, 401, 'UNAUTHORIZED');
    }
  });

  it('answers 401 to every other last character of a valid signature (one spelling per token)', async () => {
    const token = await signIn(t.url, 'alice');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const others = [...alphabet].filter((c) => c !== token.at(-1));
    expect(others).to.have.length(63);
    for (const last of others) {
      const res = await request(`${t.url}/api/files`, { token: token.slice(0, -1) + last });
      expectError(res, 401, 'UNAUTHORIZED');
    }
  });

  it('answers 401 to a token signed with an empty key, or with a key derived from an empty secret', async () => {
    const body = Buffer.from(JSON.stringify({ u: 'alice', exp: 4102444800 })).toString('base64url');
    const derivedFromEmpty = createHmac('sha256', Buffer.alloc(0)).update('session tokens').digest();
    for (const key of [Buffer.alloc(0), derivedFromEmpty]) {
      const signature = createHmac('sha256', key).update(body).digest('base64url');
      expectError(await request(`${t.url}/api/files`, { token: `${body}.${signature}` }), 401, 'UNAUTHORIZED');
    }
  });

  it('refuses to issue or check tokens with a secret shorter than 32 bytes, an empty one included', () => {
    for (const secret of [Buffer.alloc(0), Buffer.alloc(31, 1)]) {
      const settings = { secret, sessionTtlSeconds: 60 } as AppSettings;
      expect(() => new SessionTokens(settings), `${secret.length} bytes`).to.throw(/at least 32 bytes/);
    }
  });

  it('serves the sign-in page at /', async () => {
    const res = await request(`${t.url}/`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
    const html = res.body.toString('utf8');
    expect(html).to.include('<form id="signin">');
    expect(html).to.include("'/api/files'");
  });

  it('answers an unknown route with a JSON 404 and a wrong method with 405', async () => {
    expectError(await request(`${t.url}/nope`), 404, 'NOT_FOUND');
    const res = await request(`${t.url}/api/session`, { method: 'DELETE' });
    expect(res.status).to.equal(405);
    expect(res.headers['allow']).to.include('POST');
  });
});
