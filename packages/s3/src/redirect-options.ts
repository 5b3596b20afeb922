/**
 * What every redirect strategy of this package (s3Redirect, cloudFrontSigned) reads from its
 * options, checked at start-up: the URL's life and caching, the redirect status, the bucket it
 * serves; and the S3 location of a file it is asked to plan.
 */
import type { ResolvedFile, S3Location } from '@sendoff/core';
import { configInvalid } from '@sendoff/core';
import { checkLifetimeSettings, type LifetimeSettings } from './redirect-lifetime.js';

export type RedirectStatus = 301 | 302 | 303 | 307 | 308;

export interface RedirectLifetimeOptions {
  /** Serve only objects of this bucket (`canServe` is false for others). */
  bucket?: string;
  /** Life of a URL in seconds (default 300). */
  expiresIn?: number;
  /** Seconds taken off the cacheable life for clock skew (default 30). */
  skewMarginSeconds?: number;
  /** Signing-time window: requests inside one window get the same URL (default 0: off). */
  signingBucketSeconds?: number;
  /** Redirect status (default 302). */
  status?: RedirectStatus;
  /** Strategy name. */
  name?: string;
  /** Clock in epoch milliseconds (default `Date.now`); for tests. */
  now?: () => number;
}

/** The lifetime settings of `options`, checked; a `CONFIG_INVALID` error names the strategy. */
export function lifetimeSettingsOf(options: RedirectLifetimeOptions, name: string, maxExpiresInSeconds: number): LifetimeSettings {
  const settings = {
    expiresInSeconds: options.expiresIn ?? 300,
    skewMarginSeconds: options.skewMarginSeconds ?? 30,
    signingBucketSeconds: options.signingBucketSeconds ?? 0,
    maxExpiresInSeconds,
  };
  try {
    checkLifetimeSettings(settings);
  } catch (error) {
    throw configInvalid(`${name}: ${(error as Error).message}`, error);
  }
  return settings;
}

export function redirectStatusOf(status: RedirectStatus | undefined, name: string): RedirectStatus {
  if (status === undefined) return 302;
  if (![301, 302, 303, 307, 308].includes(status)) throw configInvalid(`${name}: status must be a redirect status (301, 302, 303, 307, 308)`);
  return status;
}

/** What a redirect strategy says of itself: its name, its settings, and the S3 objects it serves (of its bucket, when one is set). */
export function redirectStrategyFields(name: string, settings: LifetimeSettings, bucket: string | undefined) {
  return {
    name,
    locationKinds: ['s3'] as const,
    // The URL names the object; S3 (or the CDN) answers its size, validators, Range and conditionals.
    reads: [] as const,
    expiresIn: settings.expiresInSeconds,
    skewMarginSeconds: settings.skewMarginSeconds,
    signingBucketSeconds: settings.signingBucketSeconds,
    canServe: (file: ResolvedFile) => file.location.kind === 's3' && (bucket === undefined || file.location.bucket === bucket),
  };
}

export function s3LocationOf(file: ResolvedFile, name: string): S3Location {
  if (file.location.kind !== 's3') throw configInvalid(`${name}: can only serve files stored in S3`);
  return file.location;
}
