import { expect } from 'chai';
import { failureOf } from '@sendoff-tools/test-kit';
import { SendoffError } from '../errors/sendoff-error.js';
import { createLinkSigner } from './link-signer.js';
import type { LinkStore } from './link-store.js';
import { memoryLinkStore } from './memory-link-store.js';

const SECRET = 's'.repeat(32);
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function signer(store?: LinkStore, clock = { now: T0 }) {
  return createLinkSigner({ keys: { k1: SECRET }, currentKeyId: 'k1', now: () => clock.now, ...(store && { store }) });
}

async function expectGone(promise: Promise<unknown>, code: 'LINK_REVOKED' | 'LINK_USED_UP', message: string): Promise<void> {
  const error = await failureOf(promise);
  expect(error.code).to.equal(code);
  expect(error.status).to.equal(410);
  expect(error.expose).to.equal(true);
  expect(error.message).to.equal(message);
}

function decodeBody(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('revocable and single-use links', () => {
  it('a single-use link delivers once, then is gone (410)', async () => {
    const links = signer(memoryLinkStore({ now: () => T0 }));
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 }, { maxUses: 1 });
    const payload = await links.redeem(token);
    expect(payload.key).to.equal('a.txt');
    expect(payload.maxUses).to.equal(1);
    expect(payload.id).to.match(/^[A-Za-z0-9_-]{22}$/);
    await expectGone(links.redeem(token), 'LINK_USED_UP', 'link already used');
    // verify stays stateless: the token is still well signed and unexpired.
    expect(links.verify(token).key).to.equal('a.txt');
  });

  it('counts uses atomically: of ten concurrent redemptions of a 3-use link, three succeed', async () => {
    const links = signer(memoryLinkStore({ now: () => T0 }));
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 }, { maxUses: 3 });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => links.redeem(token)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(3);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect((outcome.reason as SendoffError).code).to.equal('LINK_USED_UP');
  });

  it('a revoked link is gone (410) whether or not it has a use limit; other links are not', async () => {
    const links = signer(memoryLinkStore({ now: () => T0 }));
    const plain = links.sign({ key: 'a.txt', ttlSeconds: 60 }, { id: 'share-1' });
    const limited = links.sign({ key: 'a.txt', ttlSeconds: 60 }, { id: 'share-2', maxUses: 5 });
    const other = links.sign({ key: 'a.txt', ttlSeconds: 60 });
    expect(decodeBody(plain)).to.include({ jti: 'share-1' });
    expect((await links.redeem(plain)).id).to.equal('share-1');
    await links.revoke('share-1');
    await links.revoke('share-2', new Date(T0 + 60_000));
    await expectGone(links.redeem(plain), 'LINK_REVOKED', 'link revoked');
    await expectGone(links.redeem(limited), 'LINK_REVOKED', 'link revoked');
    expect((await links.redeem(other)).key).to.equal('a.txt');
  });

  it('refuses the link (503) when the store does not answer in time, never guessing', async () => {
    const silent: LinkStore = {
      timeoutMs: 20,
      use: () => new Promise(() => {}),
      revoke: () => new Promise(() => {}),
      isRevoked: () => Promise.reject(new Error('connection refused')),
    };
    const links = signer(silent);
    for (const token of [links.sign({ key: 'a.txt', ttlSeconds: 60 }, { maxUses: 1 }), links.sign({ key: 'a.txt', ttlSeconds: 60 })]) {
      const error = await failureOf(links.redeem(token));
      expect(error.code).to.equal('LINK_UNAVAILABLE');
      expect(error.status).to.equal(503);
      expect(error.headers).to.deep.equal({ 'Retry-After': '5' });
    }
    expect((await failureOf(links.revoke('abc'))).code).to.equal('LINK_UNAVAILABLE');
  });

  it('checks expiry and signature before the store, and never lets a use limit be edited', async () => {
    const store = memoryLinkStore({ now: () => T0 });
    const clock = { now: T0 };
    const links = signer(store, clock);
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 }, { maxUses: 1 });
    const [, signature] = token.split('.') as [string, string];
    const edited = Buffer.from(JSON.stringify({ ...decodeBody(token), mu: 1000 })).toString('base64url');
    expect((await failureOf(links.redeem(`${edited}.${signature}`))).code).to.equal('LINK_INVALID');
    clock.now += 61_000;
    expect((await failureOf(links.redeem(token))).code).to.equal('LINK_EXPIRED');
    // Neither refusal counted a use.
    clock.now = T0;
    expect((await links.redeem(token)).maxUses).to.equal(1);
  });

  it('without a store: links stay stateless, and maxUses, id or revoke are configuration errors', async () => {
    const links = signer();
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 });
    expect(decodeBody(token)).to.not.have.property('jti');
    expect((await links.redeem(token)).key).to.equal('a.txt');
    expect((await links.redeem(token)).key).to.equal('a.txt');
    expect(() => links.sign({ key: 'a.txt', ttlSeconds: 60 }, { maxUses: 1 })).to.throw(SendoffError, /need a link store/);
    expect(() => links.sign({ key: 'a.txt', ttlSeconds: 60 }, { id: 'x' })).to.throw(SendoffError, /need a link store/);
    expect((await failureOf(links.revoke('x'))).code).to.equal('CONFIG_INVALID');
  });

  it('revocable: false signs a stateless link even with a store: it never asks the store', async () => {
    const silent: LinkStore = { timeoutMs: 20, use: () => new Promise(() => {}), revoke: () => new Promise(() => {}), isRevoked: () => new Promise(() => {}) };
    const links = signer(silent);
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 }, { revocable: false });
    expect(decodeBody(token)).to.not.have.property('jti');
    expect((await links.redeem(token)).key).to.equal('a.txt');
    for (const use of [{ revocable: false, maxUses: 1 }, { revocable: false, id: 'x' }]) {
      expect(() => links.sign({ key: 'a.txt', ttlSeconds: 60 }, use)).to.throw(SendoffError, 'cannot sign link: a link with maxUses or an id is revocable');
    }
  });

  it('refuses bad ids and use limits with 400', () => {
    const links = signer(memoryLinkStore());
    for (const use of [{ maxUses: 0 }, { maxUses: 1.5 }, { maxUses: 1_000_001 }, { id: '' }, { id: 'a/b' }, { id: 'x'.repeat(65) }]) {
      try {
        links.sign({ key: 'a.txt', ttlSeconds: 60 }, use);
        expect.fail('expected BAD_REQUEST');
      } catch (error) {
        expect((error as SendoffError).code).to.equal('BAD_REQUEST');
        expect((error as SendoffError).status).to.equal(400);
      }
    }
  });

  it('refuses a revocation with a bad id or an expiry that is not a valid Date with 400, leaving the link as it was', async () => {
    const links = signer(memoryLinkStore({ now: () => T0 }));
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 }, { id: 'share-1' });
    const attempts: Array<[string, unknown, string]> = [
      ['a/b', undefined, 'cannot revoke link: a link id is 1-64 characters of A-Z a-z 0-9 _ -'],
      ['share-1', new Date(Number.NaN), 'cannot revoke link: expiresAt must be a valid Date'],
      ['share-1', '2026-01-02', 'cannot revoke link: expiresAt must be a valid Date'],
      ['share-1', Object.create(Date.prototype), 'cannot revoke link: expiresAt must be a valid Date'],
    ];
    for (const [id, expiresAt, message] of attempts) {
      const error = await failureOf(links.revoke(id, expiresAt as Date));
      expect([error.code, error.status, error.message]).to.deep.equal(['BAD_REQUEST', 400, message]);
    }
    expect((await links.redeem(token)).id).to.equal('share-1');
  });

  it('the memory store forgets a link once it has expired', async () => {
    const clock = { now: T0 };
    const store = memoryLinkStore({ now: () => clock.now });
    expect(await store.use('l1', 1, new Date(T0 + 1000))).to.equal('allowed');
    expect(await store.use('l1', 1, new Date(T0 + 1000))).to.equal('used-up');
    await store.revoke('l2', new Date(T0 + 1000));
    expect(await store.isRevoked('l2')).to.equal(true);
    clock.now += 1000;
    expect(await store.isRevoked('l2')).to.equal(false);
    expect(await store.use('l1', 1, new Date(T0 + 5000))).to.equal('allowed');
  });
});
