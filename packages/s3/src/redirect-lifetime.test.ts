import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_PRESIGNED_SECONDS, cacheControlFor, checkLifetimeSettings, signingWindowFor } from './redirect-lifetime.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0); // on a whole hour

describe('redirect lifetime', () => {
  it('without windows: signs at the current second, max-age = expiresIn - skew', () => {
    const settings = { expiresInSeconds: 300, skewMarginSeconds: 30, signingBucketSeconds: 0 };
    const window = signingWindowFor(settings, T0 + 12_345);
    expect(window.signingDate.getTime()).to.equal(T0 + 12_000);
    expect(window.expiresInSeconds).to.equal(300);
    expect(window.expiresAtMs).to.equal(T0 + 312_000);
    expect(window.maxAgeSeconds).to.equal(269);
    expect(cacheControlFor(window)).to.equal('private, max-age=269');
  });

  it('with windows: same signing date inside a window, max-age counts from now', () => {
    const settings = { expiresInSeconds: 3600, skewMarginSeconds: 30, signingBucketSeconds: 600 };
    const early = signingWindowFor(settings, T0 + 1_000);
    const late = signingWindowFor(settings, T0 + 599_999);
    const next = signingWindowFor(settings, T0 + 600_000);
    expect(early.signingDate.getTime()).to.equal(T0);
    expect(late.signingDate.getTime()).to.equal(T0);
    expect(next.signingDate.getTime()).to.equal(T0 + 600_000);
    expect(early.maxAgeSeconds).to.equal(3599 - 30);
    expect(late.maxAgeSeconds).to.equal(3000 - 30);
    expect(next.maxAgeSeconds).to.equal(3600 - 30);
  });

  it('temporary credentials cut the life short', () => {
    const settings = { expiresInSeconds: 3600, skewMarginSeconds: 30, signingBucketSeconds: 0 };
    const window = signingWindowFor(settings, T0, T0 + 120_000);
    expect(window.expiresAtMs).to.equal(T0 + 120_000);
    expect(window.maxAgeSeconds).to.equal(90);
  });

  it('credentials about to expire: no-store, and windows give way to the current second', () => {
    const settings = { expiresInSeconds: 3600, skewMarginSeconds: 30, signingBucketSeconds: 600 };
    const window = signingWindowFor(settings, T0 + 500_000, T0 + 510_000);
    expect(window.signingDate.getTime()).to.equal(T0 + 500_000);
    expect(window.maxAgeSeconds).to.equal(0);
    expect(cacheControlFor(window)).to.equal('no-store');
  });

  it('never lets max-age outlive the URL (property, fake clock)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: MAX_PRESIGNED_SECONDS }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.option(fc.integer({ min: -100_000_000, max: 900_000_000 })),
        (expiresIn, skew, bucket, now, credentialsOffset) => {
          const settings = { expiresInSeconds: expiresIn, skewMarginSeconds: skew, signingBucketSeconds: bucket };
          try {
            checkLifetimeSettings(settings);
          } catch {
            return; // rejected at start-up, never used
          }
          const credentialsExpireAt = credentialsOffset === null ? undefined : now + credentialsOffset;
          const window = signingWindowFor(settings, now, credentialsExpireAt);
          const urlDiesAt = Math.min(window.signingDate.getTime() + window.expiresInSeconds * 1000, credentialsExpireAt ?? Infinity);
          expect(window.signingDate.getTime()).to.be.at.most(now);
          if (window.maxAgeSeconds > 0) expect(now + (window.maxAgeSeconds + skew) * 1000).to.be.at.most(urlDiesAt);
          else expect(cacheControlFor(window)).to.equal('no-store');
          expect(window.expiresInSeconds).to.be.at.most(MAX_PRESIGNED_SECONDS);
          // Long-term keys: even the last URL of a window (W at least the 1 s of X-Amz-Date) stays cacheable this long.
          if (credentialsExpireAt === undefined) expect(window.maxAgeSeconds).to.be.at.least(expiresIn - Math.max(bucket, 1) - skew);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a URL signed late in its second with skew = expiresIn - 1 gets no-store', () => {
    const window = signingWindowFor({ expiresInSeconds: 2, skewMarginSeconds: 1, signingBucketSeconds: 0 }, T0 + 500);
    expect(window.maxAgeSeconds).to.equal(0);
    expect(cacheControlFor(window)).to.equal('no-store');
  });

  it('rejects settings that could produce dead URLs or invalid expiries', () => {
    expect(() => checkLifetimeSettings({ expiresInSeconds: 0, skewMarginSeconds: 0, signingBucketSeconds: 0 })).to.throw(RangeError);
    expect(() => checkLifetimeSettings({ expiresInSeconds: MAX_PRESIGNED_SECONDS + 1, skewMarginSeconds: 0, signingBucketSeconds: 0 })).to.throw(RangeError);
    expect(() => checkLifetimeSettings({ expiresInSeconds: 300, skewMarginSeconds: 30, signingBucketSeconds: 270 })).to.throw(/exceed/);
    expect(() => checkLifetimeSettings({ expiresInSeconds: 300, skewMarginSeconds: -1, signingBucketSeconds: 0 })).to.throw(RangeError);
    expect(() => checkLifetimeSettings({ expiresInSeconds: 1.5, skewMarginSeconds: 0, signingBucketSeconds: 0 })).to.throw(RangeError);
    expect(() => checkLifetimeSettings({ expiresInSeconds: 300, skewMarginSeconds: 30, signingBucketSeconds: 269 })).to.not.throw();
  });
});
