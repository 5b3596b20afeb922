import { expect } from 'chai';
import { AppError } from '../http/app-error.js';
import { LoginThrottle, type LoginLimits } from './login-throttle.js';

const LIMITS: LoginLimits = { perUserAndAddress: 2, perUser: 3, perAddress: 5, windowSeconds: 60, maxTracked: 100 };

function throttle(clock = { now: 1_000_000 }, limits: LoginLimits = LIMITS): LoginThrottle {
  return new LoginThrottle(limits, () => clock.now);
}

/** The 429 `begin` throws, or a failure when it lets the attempt through. */
function refusal(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a 429');
}

describe('LoginThrottle', () => {
  it('refuses the attempt after perUser failures with 429 TOO_MANY_REQUESTS and Retry-After in seconds', () => {
    const clock = { now: 1_000_000 };
    const logins = throttle(clock);
    for (let i = 0; i < 3; i++) logins.begin('alice', `10.0.0.${i}`);
    clock.now += 20_500;
    const error = refusal(() => logins.begin('alice', '10.0.0.2'));
    expect(error.status).to.equal(429);
    expect(error.code).to.equal('TOO_MANY_REQUESTS');
    expect(error.headers).to.deep.equal({ 'Retry-After': '40' });
  });

  it('lets the user in again once the window is over', () => {
    const clock = { now: 1_000_000 };
    const logins = throttle(clock);
    for (let i = 0; i < 3; i++) logins.begin('alice', `10.0.0.${i}`);
    clock.now += 59_999;
    refusal(() => logins.begin('alice', '10.0.0.9'));
    clock.now += 1;
    expect(() => logins.begin('alice', '10.0.0.9')).to.not.throw();
  });

  it('refuses an address after perAddress failures, whatever the names', () => {
    const logins = throttle();
    for (let i = 0; i < 5; i++) logins.begin(`user-${i}`, '10.0.0.1');
    refusal(() => logins.begin('someone-new', '10.0.0.1'));
    expect(() => logins.begin('someone-new', '10.0.0.2')).to.not.throw();
  });

  it('forgets a user\'s failures on a success', () => {
    const logins = throttle();
    let address = 0;
    for (let round = 0; round < 5; round++) {
      logins.begin('alice', `10.0.0.${address++}`);
      logins.begin('alice', `10.0.0.${address++}`);
      logins.begin('alice', `10.0.0.${address++}`).succeeded();
    }
    for (let i = 0; i < 3; i++) logins.begin('alice', `10.0.1.${i}`);
    refusal(() => logins.begin('alice', '10.0.1.9'));
  });

  it('gives the address back the attempt of a success, and only that one', () => {
    const logins = throttle();
    for (let i = 0; i < 4; i++) logins.begin(`user-${i}`, '10.0.0.1');
    logins.begin('alice', '10.0.0.1').succeeded();
    logins.begin('bob', '10.0.0.1');
    refusal(() => logins.begin('carol', '10.0.0.1'));
  });

  it('counts attempts still being checked, so a burst from one address cannot start more checks than the limit', () => {
    const logins = throttle();
    const started = Array.from({ length: 2 }, () => logins.begin('alice', '10.0.0.1'));
    expect(started).to.have.length(2);
    refusal(() => logins.begin('alice', '10.0.0.1'));
  });

  it('refuses a user name from one address after perUserAndAddress failures, but not from another address', () => {
    const logins = throttle();
    for (let i = 0; i < 2; i++) logins.begin('alice', '10.0.0.1');
    const error = refusal(() => logins.begin('alice', '10.0.0.1'));
    expect(error.status).to.equal(429);
    expect(() => logins.begin('alice', '10.0.0.2')).to.not.throw();
    expect(() => logins.begin('bob', '10.0.0.1')).to.not.throw();
  });

  it('remembers at most maxTracked names and addresses under a flood of distinct names', () => {
    const logins = throttle({ now: 1_000_000 }, { ...LIMITS, perAddress: 1_000_000 });
    // Each attempt remembers its name, its address and the pair.
    for (let i = 0; i < 10_000; i++) logins.begin(`flood-${i}`, '10.0.0.1');
    expect(logins.tracked).to.be.at.most(100);
  });

  it('keeps a refusal under a flood of distinct names and addresses that fills the store', () => {
    const logins = throttle({ now: 1_000_000 }, { ...LIMITS, maxTracked: 10 });
    for (let i = 0; i < 2; i++) logins.begin('alice', '10.0.0.1');
    refusal(() => logins.begin('alice', '10.0.0.1'));
    for (let i = 0; i < 3; i++) logins.begin('bob', `10.0.1.${i}`);
    refusal(() => logins.begin('bob', '10.0.2.1'));
    for (let i = 0; i < 1_000; i++) logins.begin(`flood-${i}`, `10.1.${i >> 8}.${i & 255}`);
    expect(refusal(() => logins.begin('alice', '10.0.0.1')).status).to.equal(429);
    expect(refusal(() => logins.begin('bob', '10.0.2.9')).status).to.equal(429);
    expect(logins.tracked).to.be.at.most(10 + 10);
  });
});
