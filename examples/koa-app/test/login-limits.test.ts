import { expect } from 'chai';
import { DEFAULT_LOGIN_LIMITS } from '../src/auth/login-throttle.js';
import { expectError, request, sendJson, signIn, startTestApp, type RawResponse, type TestApp } from './support.js';

const { perUserAndAddress, perAddress, windowSeconds } = DEFAULT_LOGIN_LIMITS;

/** A sign-in from `from` (a loopback address: another client) or from 127.0.0.1. */
function signInAs(t: TestApp, user: string, password: string, from?: string): Promise<RawResponse> {
  return sendJson(`${t.url}/api/session`, { user, password }, from === undefined ? {} : { localAddress: from });
}

function expectTooMany(res: RawResponse): void {
  expectError(res, 429, 'TOO_MANY_REQUESTS');
  const retryAfter = String(res.headers['retry-after']);
  expect(retryAfter).to.match(/^\d+$/);
  expect(Number(retryAfter)).to.be.within(1, windowSeconds);
}

describe('example app: failed sign-in limits', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
  });

  it(`answers 429 with Retry-After after ${perUserAndAddress} wrong passwords for a user from one address, even to the right one; another user still signs in`, async () => {
    for (let i = 0; i < perUserAndAddress; i++) expectError(await signInAs(t, 'alice', 'wrong'), 401, 'UNAUTHORIZED');
    expectTooMany(await signInAs(t, 'alice', 'wrong'));
    expectTooMany(await signInAs(t, 'alice', 'alice'));
    const token = await signIn(t.url, 'bob');
    expect((await request(`${t.url}/api/files`, { token })).status).to.equal(200);
  });

  it('does not lock the user out from another address: a guesser cannot deny the user their sign-in', async () => {
    for (let i = 0; i < perUserAndAddress; i++) expectError(await signInAs(t, 'alice', 'wrong', '127.0.0.2'), 401, 'UNAUTHORIZED');
    expectTooMany(await signInAs(t, 'alice', 'alice', '127.0.0.2'));
    const own = await signInAs(t, 'alice', 'alice', '127.0.0.3');
    expect(own.status).to.equal(200);
  });

  it('counts unknown user names like known ones', async () => {
    for (let i = 0; i < perUserAndAddress; i++) expectError(await signInAs(t, 'mallory', 'x'), 401, 'UNAUTHORIZED');
    expectTooMany(await signInAs(t, 'mallory', 'x'));
  });

  it('starts counting again for a user after a successful sign-in', async () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < perUserAndAddress - 1; i++) expectError(await signInAs(t, 'alice', 'wrong'), 401, 'UNAUTHORIZED');
      await signIn(t.url, 'alice');
    }
  });

  it('checks at most the limit of a burst of wrong passwords for one user; the rest is 429 at once', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => signInAs(t, 'alice', 'wrong')));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 401)).to.have.length(perUserAndAddress);
    expect(statuses.filter((status) => status === 429)).to.have.length(40 - perUserAndAddress);
    for (const res of answers.filter((answer) => answer.status === 429)) expectTooMany(res);
  });

  it(`answers 429 to a client address after ${perAddress} failed sign-ins, whatever the names`, async () => {
    for (let i = 0; i < perAddress; i++) expectError(await signInAs(t, `nobody-${i}`, 'x'), 401, 'UNAUTHORIZED');
    expectTooMany(await signInAs(t, 'someone-else', 'x'));
  });
});
