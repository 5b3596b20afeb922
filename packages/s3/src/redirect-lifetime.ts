/**
 * How long a presigned redirect lives and how long it may be cached. A cached 302 must never
 * outlive the URL it points to, so Cache-Control is derived from the URL's remaining life.
 *
 * Real lifetime = min(configured expiry, expiry of temporary credentials, the signer's maximum:
 * 7 days for SigV4), counted from the signing date; the Cache-Control max-age is what is left of it now, minus a clock-skew
 * margin. With signing-time buckets of W seconds the signing date is floored to W, so every
 * request inside one window gets the very same URL (browser and CDN caches can reuse it).
 */

/** SigV4 presigned URLs live at most 7 days. */
export const MAX_PRESIGNED_SECONDS = 604_800;

export interface LifetimeSettings {
  /** Requested life of a URL, seconds. */
  expiresInSeconds: number;
  /** Seconds taken off the life for clocks that disagree (ours vs S3's vs the browser's). */
  skewMarginSeconds: number;
  /** Signing-time window W in seconds; 0 signs at the current second. */
  signingBucketSeconds: number;
  /** The longest life the signer allows (default MAX_PRESIGNED_SECONDS, SigV4's limit). */
  maxExpiresInSeconds?: number;
}

export interface SigningWindow {
  /** The date to sign with (X-Amz-Date). */
  signingDate: Date;
  /** X-Amz-Expires. */
  expiresInSeconds: number;
  /** When the URL really stops working (credentials expiry included), epoch ms. */
  expiresAtMs: number;
  /** How long a response pointing at it may be cached, seconds (0: do not cache). */
  maxAgeSeconds: number;
}

/** Throws when settings could give a URL with no life left (or an invalid X-Amz-Expires). */
export function checkLifetimeSettings(settings: LifetimeSettings): void {
  const { expiresInSeconds, skewMarginSeconds, signingBucketSeconds } = settings;
  const max = maxExpiresInSeconds(settings);
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > max) {
    throw new RangeError(`expiresIn must be a whole number of seconds from 1 to ${max}`);
  }
  if (!Number.isInteger(skewMarginSeconds) || skewMarginSeconds < 0) throw new RangeError('skewMarginSeconds must be a whole number ≥ 0');
  if (!Number.isInteger(signingBucketSeconds) || signingBucketSeconds < 0) throw new RangeError('signingBucketSeconds must be a whole number ≥ 0');
  if (signingBucketSeconds + skewMarginSeconds >= expiresInSeconds) {
    throw new RangeError('expiresIn must exceed signingBucketSeconds + skewMarginSeconds, or late URLs of a window would be born dead');
  }
}

/** The signing date, expiry and cacheable age of a URL signed at `nowMs`. */
export function signingWindowFor(settings: LifetimeSettings, nowMs: number, credentialsExpireAtMs?: number): SigningWindow {
  const bucketed = windowFrom(settings, signingDateMs(nowMs, settings.signingBucketSeconds), nowMs, credentialsExpireAtMs);
  if (bucketed.maxAgeSeconds > 0 || settings.signingBucketSeconds === 0) return bucketed;
  // Credentials close to expiry: sign at the current second, the best life still available.
  return windowFrom(settings, signingDateMs(nowMs, 0), nowMs, credentialsExpireAtMs);
}

/** `private, max-age=N`, or `no-store` when the URL has (almost) no life left. */
export function cacheControlFor(window: SigningWindow): string {
  return window.maxAgeSeconds > 0 ? `private, max-age=${window.maxAgeSeconds}` : 'no-store';
}

function windowFrom(settings: LifetimeSettings, signedAtMs: number, nowMs: number, credentialsExpireAtMs?: number): SigningWindow {
  const expiresInSeconds = Math.min(settings.expiresInSeconds, maxExpiresInSeconds(settings));
  const expiresAtMs = Math.min(signedAtMs + expiresInSeconds * 1000, credentialsExpireAtMs ?? Number.POSITIVE_INFINITY);
  const remainingSeconds = Math.floor((expiresAtMs - nowMs) / 1000);
  return {
    signingDate: new Date(signedAtMs),
    expiresInSeconds,
    expiresAtMs,
    maxAgeSeconds: Math.max(0, remainingSeconds - settings.skewMarginSeconds),
  };
}

function maxExpiresInSeconds(settings: LifetimeSettings): number {
  return settings.maxExpiresInSeconds ?? MAX_PRESIGNED_SECONDS;
}

/** Floors `nowMs` to the signing window (to the second when windows are off). */
function signingDateMs(nowMs: number, bucketSeconds: number): number {
  const step = Math.max(bucketSeconds, 1) * 1000;
  return Math.floor(nowMs / step) * step;
}
