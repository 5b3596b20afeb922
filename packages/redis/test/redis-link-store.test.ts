import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createLinkSigner, type LinkSigner, type SendoffError } from '@sendoff/core';
import { failureOf, startLocalRedis, type LocalRedis } from '@sendoff-tools/test-kit';
import { redisLinkStore } from '../src/index.js';
import { connect, eventually } from './support.js';

const KEYS = { k1: 'a shared secret of at least 32 bytes!' };

describe('redisLinkStore (real redis-server)', () => {
  let redis: LocalRedis;
  const clients: Redis[] = [];

  before(async () => {
    redis = await startLocalRedis();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  after(async () => {
    await redis.stop();
  });

  /** One process: its own connection to the shared Redis, its own signer with the shared secret. */
  async function processSigner(url = redis.url): Promise<{ links: LinkSigner; client: Redis }> {
    const client = await connect(url);
    clients.push(client);
    return { links: createLinkSigner({ keys: KEYS, currentKeyId: 'k1', store: redisLinkStore({ client, prefix: 'links:' }) }), client };
  }

  it('a single-use link signed by one process is used once, by whichever process gets it first', async () => {
    const a = await processSigner();
    const b = await processSigner();
    const token = a.links.sign({ key: 'report.pdf', ttlSeconds: 300 }, { maxUses: 1 });
    expect((await b.links.redeem(token)).key).to.equal('report.pdf');
    for (const links of [a.links, b.links]) {
      const error = await failureOf(links.redeem(token));
      expect([error.code, error.status, error.message]).to.deep.equal(['LINK_USED_UP', 410, 'link already used']);
    }
  });

  it('counts uses atomically across processes: of 20 concurrent redemptions of a 5-use link, 5 succeed', async () => {
    const a = await processSigner();
    const b = await processSigner();
    const token = a.links.sign({ key: 'report.pdf', ttlSeconds: 300 }, { maxUses: 5 });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).links.redeem(token)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(5);
    const codes = new Set(outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as SendoffError).code] : [])));
    expect([...codes]).to.deep.equal(['LINK_USED_UP']);
  });

  it('a link revoked by one process is gone in every other, and Redis forgets it after the link expires', async () => {
    const a = await processSigner();
    const b = await processSigner();
    const token = a.links.sign({ key: 'report.pdf', ttlSeconds: 300 }, { id: 'share-42' });
    expect((await b.links.redeem(token)).id).to.equal('share-42');
    await a.links.revoke('share-42', new Date(Date.now() + 300_000));
    const error = await failureOf(b.links.redeem(token));
    expect([error.code, error.status, error.message]).to.deep.equal(['LINK_REVOKED', 410, 'link revoked']);
    const ttl = await a.client.pttl('links:share-42');
    expect(ttl).to.be.within(290_000, 360_000);
  });

  it('a single-use link refused with 503 while Redis is frozen is not used up by the late answer: the retry downloads', async () => {
    const own = await startLocalRedis();
    try {
      const a = await processSigner(own.url);
      // Redis knows the scripts already, as it does in a running fleet.
      await a.links.redeem(a.links.sign({ key: 'other.pdf', ttlSeconds: 300 }, { maxUses: 1 }));
      const single = a.links.sign({ key: 'report.pdf', ttlSeconds: 300 }, { maxUses: 1 });
      own.freeze();
      const refused = await failureOf(a.links.redeem(single));
      expect([refused.code, refused.status, refused.headers]).to.deep.equal(['LINK_UNAVAILABLE', 503, { 'Retry-After': '5' }]);
      own.thaw();
      // Everything sent while frozen has been answered once a later command is.
      expect(await eventually(() => a.client.ping().catch(() => 'no answer'), (answer) => answer === 'PONG')).to.equal('PONG');
      expect((await a.links.redeem(single)).key).to.equal('report.pdf');
      const error = await failureOf(a.links.redeem(single));
      expect([error.code, error.status]).to.deep.equal(['LINK_USED_UP', 410]);
    } finally {
      await own.stop();
    }
  });

  it('refuses stateful links with 503 while Redis is down, never letting them through', async () => {
    const own = await startLocalRedis();
    try {
      const a = await processSigner(own.url);
      const single = a.links.sign({ key: 'report.pdf', ttlSeconds: 300 }, { maxUses: 1 });
      const revocable = a.links.sign({ key: 'report.pdf', ttlSeconds: 300 });
      await own.kill();
      for (const token of [single, revocable]) {
        const error = await failureOf(a.links.redeem(token));
        expect([error.code, error.status]).to.deep.equal(['LINK_UNAVAILABLE', 503]);
      }
    } finally {
      await own.stop();
    }
  });
});
