import { createHmac, timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { isCanonicalBase64url } from '@sendoff/core';
import { APP_TYPES } from '../app-types.js';
import type { AppSettings } from '../settings.js';
import { unauthorized } from '../http/app-error.js';
import { deriveKey } from './derive-key.js';

interface SessionPayload {
  /** The user. */
  u: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/**
 * Stateless session tokens: `base64url(JSON payload) + "." + base64url(HMAC-SHA256)`. Nothing is
 * stored; a token is valid while its signature checks and it has not expired. Both parts must be
 * canonical base64url, so a token has exactly one spelling.
 */
@injectable()
export class SessionTokens {
  readonly #key: Buffer;
  readonly #ttlSeconds: number;

  constructor(@inject(APP_TYPES.Settings) settings: AppSettings) {
    this.#key = deriveKey(settings.secret, 'session tokens');
    this.#ttlSeconds = settings.sessionTtlSeconds;
  }

  issue(user: string, now = Date.now()): string {
    const payload: SessionPayload = { u: user, exp: Math.floor(now / 1000) + this.#ttlSeconds };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#sign(body)}`;
  }

  /** The user a token names; a 401 AppError when it is malformed, tampered or expired. */
  userOf(token: string, now = Date.now()): string {
    const [body, signature, extra] = token.split('.');
    if (body === undefined || signature === undefined || extra !== undefined) throw unauthorized('invalid token');
    if (!isCanonicalBase64url(body) || !isCanonicalBase64url(signature)) throw unauthorized('invalid token');
    if (!this.#isSignatureValid(body, signature)) throw unauthorized('invalid token');
    const payload = parsePayload(body);
    if (payload === undefined) throw unauthorized('invalid token');
    if (payload.exp * 1000 <= now) throw unauthorized('token expired');
    return payload.u;
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }

  #isSignatureValid(body: string, signature: string): boolean {
    const expected = Buffer.from(this.#sign(body), 'base64url');
    const actual = Buffer.from(signature, 'base64url');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

function parsePayload(body: string): SessionPayload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { u, exp } = value as Record<string, unknown>;
    return typeof u === 'string' && typeof exp === 'number' ? { u, exp } : undefined;
  } catch {
    return undefined;
  }
}
