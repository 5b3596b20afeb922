/**
 * cloudFrontCookies: CloudFront signed cookies, for a page that loads many files of one
 * distribution (a gallery, a video's segments, a static site under a user's prefix): one custom
 * policy for a resource pattern (`https://cdn.example.com/u/123/*`), signed once, sent as the
 * three cookies CloudFront reads (`CloudFront-Policy`, `CloudFront-Signature`,
 * `CloudFront-Key-Pair-Id`). The app sets the `Set-Cookie` values on its own response; the
 * browser sends them to the distribution when the distribution's host is inside the cookies'
 * `Domain` (an alternate domain name under the app's domain). The policy's expiry is derived as
 * for s3Redirect. The cookies are session cookies (gone when the browser closes, as CloudFront
 * advises) unless `persistent`: then their Max-Age is the policy's remaining life minus the skew
 * margin.
 */
import { stringifySetCookie } from 'cookie';
import { configInvalid } from '@sendoff/core';
import { cloudFrontKeyOf, type CloudFrontKeyOptions } from './cloudfront-key.js';
import { MAX_CLOUDFRONT_SECONDS, conditionsOf, type CloudFrontConditions } from './cloudfront-policy.js';
import { signatureFor } from './cloudfront-signature.js';
import { isSecureResource } from './distribution-url.js';
import { signingWindowFor } from './redirect-lifetime.js';
import { lifetimeSettingsOf } from './redirect-options.js';

export type CookieSameSite = 'Strict' | 'Lax' | 'None';

export interface CloudFrontCookiesOptions extends CloudFrontKeyOptions, CloudFrontConditions {
  /**
   * What the cookies open: a URL of the distribution, `*` matching any characters and `?` one
   * (`https://cdn.example.com/u/123/*`). https only (plain http on a loopback host, for tests).
   */
  resource: string;
  /** Life of the policy in seconds (default 300, at most 31536000: one year). */
  expiresIn?: number;
  /** Seconds taken off the cookies' Max-Age for clock skew (default 30). */
  skewMarginSeconds?: number;
  /** Signing-time window: calls inside one window sign the same policy (default 0: off). */
  signingBucketSeconds?: number;
  /** `Domain` attribute: a parent domain of the distribution's host (default: none, host-only). */
  domain?: string;
  /** `Path` attribute (default: the resource's path up to its first wildcard, cut after its last `/`). */
  path?: string;
  /** `SameSite` attribute (default `Lax`). */
  sameSite?: CookieSameSite;
  /** Give the cookies a Max-Age (the policy's remaining life minus the skew margin); default false: session cookies. */
  persistent?: boolean;
  /** Clock in epoch milliseconds (default `Date.now`); for tests. */
  now?: () => number;
}

export interface CloudFrontCookies {
  /** The three `Set-Cookie` header values, Secure and HttpOnly. */
  setCookie: string[];
  /** The cookies by name, as CloudFront reads them. */
  values: { 'CloudFront-Policy': string; 'CloudFront-Signature': string; 'CloudFront-Key-Pair-Id': string };
  /** When CloudFront stops accepting them. */
  expiresAt: Date;
  /** How long a browser may keep them, seconds (their Max-Age when `persistent`). */
  maxAgeSeconds: number;
}

const NAME = 'cloudFrontCookies';
const SAME_SITE = { Strict: 'strict', Lax: 'lax', None: 'none' } as const;
const RESOURCE_MAX_LENGTH = 2048;
const DOMAIN = /^\.?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const COOKIE_PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;

export function cloudFrontCookies(options: CloudFrontCookiesOptions): CloudFrontCookies {
  const settings = lifetimeSettingsOf(options, NAME, MAX_CLOUDFRONT_SECONDS);
  const key = cloudFrontKeyOf(options, NAME);
  const conditions = conditionsOf(options, NAME);
  const resource = resourceOf(options.resource);
  const attributes = cookieAttributesOf(options, resource);
  const window = signingWindowFor(settings, (options.now ?? Date.now)());
  const signed = signatureFor(resource, key, { expiresAtMs: window.expiresAtMs, conditions });
  const values = {
    'CloudFront-Policy': signed.Policy ?? '',
    'CloudFront-Signature': signed.Signature,
    'CloudFront-Key-Pair-Id': signed['Key-Pair-Id'],
  };
  const maxAge = window.maxAgeSeconds;
  const lifetime = options.persistent === true ? { maxAge } : {};
  const setCookie = Object.entries(values).map(([cookie, value]) =>
    stringifySetCookie(cookie, value, { ...attributes, ...lifetime, secure: true, httpOnly: true, encode: (raw) => raw }),
  );
  return { setCookie, values, expiresAt: new Date(window.expiresAtMs), maxAgeSeconds: maxAge };
}

function resourceOf(resource: string): string {
  if (typeof resource !== 'string' || resource.length > RESOURCE_MAX_LENGTH || /[^\x21-\x7e]|["\\]/.test(resource) || !isSecureResource(resource)) {
    throw configInvalid(`${NAME}: resource must be an https URL of the distribution (with * and ? wildcards), printable ASCII without quotes or backslashes`);
  }
  return resource;
}

function cookieAttributesOf(options: CloudFrontCookiesOptions, resource: string): { path: string; sameSite: 'strict' | 'lax' | 'none'; domain?: string } {
  const path = options.path ?? defaultPathOf(resource);
  if (!COOKIE_PATH.test(path)) throw configInvalid(`${NAME}: path must start with / and hold no spaces, ';' or control characters`);
  const asked = options.sameSite ?? 'Lax';
  if (!Object.hasOwn(SAME_SITE, asked)) throw configInvalid(`${NAME}: sameSite must be 'Strict', 'Lax' or 'None'`);
  const sameSite = SAME_SITE[asked];
  if (options.domain === undefined) return { path, sameSite };
  if (!DOMAIN.test(options.domain)) throw configInvalid(`${NAME}: domain must be a host name (example.com)`);
  return { path, sameSite, domain: options.domain };
}

/** The resource's path up to its first wildcard, cut after the last `/` (`/u/123/*` → `/u/123/`). */
function defaultPathOf(resource: string): string {
  const afterOrigin = resource.replace(/^https?:\/\/[^/]*/, '') || '/';
  const literal = afterOrigin.split(/[*?]/)[0] ?? '/';
  return literal.slice(0, literal.lastIndexOf('/') + 1) || '/';
}
