/**
 * Signed download links: `base64url(JSON payload) + "." + base64url(HMAC-SHA256)`.
 * The payload names the key id (`kid`) that signed it, so secrets can rotate: a token keeps
 * verifying while its kid is still configured. With a link store, every link carries an id and can
 * be revoked, and a link may be limited to `maxUses` downloads (`redeem` checks and counts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { types } from 'node:util';
import type { Disposition, Key } from '../contracts.js';
import { SendoffError, configInvalid } from '../errors/sendoff-error.js';
import { MAX_FILENAME_BYTES } from '../deliverer/resolve-options.js';
import { validateKey } from '../keys/validate-key.js';
import { isCanonicalBase64url } from './base64url.js';
import { bounded, checkLinkState } from './check-link-state.js';
import type { LinkStore } from './link-store.js';

export const MIN_SECRET_BYTES = 32;
const DEFAULT_MAX_TTL_SECONDS = 7 * 24 * 3600;
const MAX_TOKEN_LENGTH = 8192;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const LINK_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Most uses a link may be given. */
export const MAX_LINK_USES = 1_000_000;
const VERSION = 1;

export interface LinkSignerOptions {
  /** Secrets by key id; each at least 32 bytes (a string counts its UTF-8 bytes). */
  keys: Record<string, string | Buffer>;
  /** The key id new tokens are signed with. */
  currentKeyId: string;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** Longest life a token may be given, in seconds. Default 7 days. */
  maxTtlSeconds?: number;
  /**
   * Where revocations and uses are kept (shared by every process that verifies links). With it,
   * every link gets an id (`revoke` takes it) and `maxUses` may be given.
   */
  store?: LinkStore;
}

/** What makes a link stateful. */
export interface LinkUseOptions {
  /** At most this many downloads (`redeem` calls) succeed; later ones get 410 LINK_USED_UP. Needs a store. */
  maxUses?: number;
  /** The link's id (1-64 of A-Z a-z 0-9 _ -); default a random one. Needs a store. */
  id?: string;
  /**
   * Default `true` with a store: the link carries an id and `redeem` checks the store. `false`: a
   * stateless link (no id, no use limit) that `redeem` never checks, e.g. a short-lived link a
   * browser follows at once, which must keep working while the store is away.
   */
  revocable?: boolean;
}

interface LinkFields {
  key: string;
  disposition?: Disposition;
  filename?: string;
}

export type SignInput = LinkFields & ({ expiresAt: Date; ttlSeconds?: never } | { ttlSeconds: number; expiresAt?: never });

export interface LinkPayload {
  key: Key;
  disposition?: Disposition;
  filename?: string;
  expiresAt: Date;
  /** The key id that signed the token. */
  keyId: string;
  /** The link's id (links signed with a store). */
  id?: string;
  /** How many downloads the link allows, when limited. */
  maxUses?: number;
}

export interface LinkSigner {
  sign(input: SignInput, use?: LinkUseOptions): string;
  /**
   * The payload of a valid token; LINK_INVALID or LINK_EXPIRED (403) otherwise. Stateless: it does
   * not check revocation or count a use (see `redeem`).
   */
  verify(token: string): LinkPayload;
  /**
   * `verify`, then the link's state in the store: a revoked link or one used `maxUses` times is
   * 410 (LINK_REVOKED, LINK_USED_UP); a store that does not answer in time is 503 (LINK_UNAVAILABLE).
   * Counts one use. Without a store, the same as `verify`.
   */
  redeem(token: string): Promise<LinkPayload>;
  /**
   * Revokes the link `id` until `expiresAt` (default: the longest life a link may have from now;
   * give the link's own expiry, a revocation that ends earlier lets the link work again). Needs a
   * store. A bad id or an `expiresAt` that is not a valid Date is BAD_REQUEST (400).
   */
  revoke(id: string, expiresAt?: Date): Promise<void>;
}

/** The JSON inside a token. */
interface WirePayload {
  v: number;
  kid: string;
  key: string;
  disp?: Disposition;
  fn?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Link id. */
  jti?: string;
  /** Most uses. */
  mu?: number;
}

export function createLinkSigner(options: LinkSignerOptions): LinkSigner {
  const secrets = checkSecrets(options?.keys);
  if (!secrets.has(options.currentKeyId)) throw configInvalid(`link signer: currentKeyId "${String(options.currentKeyId)}" is not one of the configured keys`);
  const now = options.now ?? Date.now;
  const maxTtlSeconds = options.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS;
  if (!Number.isFinite(maxTtlSeconds) || maxTtlSeconds <= 0) throw configInvalid('link signer: maxTtlSeconds must be a positive number');

  const store = options.store;

  const signer: LinkSigner = {
    sign(input, use = {}) {
      const exp = expiryOf(input, now(), maxTtlSeconds);
      const wire: WirePayload = { v: VERSION, kid: options.currentKeyId, key: validateKey(input?.key), exp };
      if (input.disposition !== undefined) wire.disp = checkDisposition(input.disposition);
      if (input.filename !== undefined) wire.fn = checkFilename(input.filename);
      Object.assign(wire, statefulFields(use, store));
      const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
      return `${body}.${mac(secrets.get(options.currentKeyId) as Buffer, body).toString('base64url')}`;
    },
    verify(token) {
      const { body, signature } = splitToken(token);
      const wire = parseWire(body);
      const secret = secrets.get(wire.kid);
      if (!secret) throw linkInvalid('unknown key id');
      const expected = mac(secret, body);
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw linkInvalid('bad signature');
      const payload = toPayload(wire);
      if (now() >= wire.exp * 1000) throw new SendoffError('LINK_EXPIRED', 'link expired');
      return payload;
    },
    async redeem(token) {
      const payload = signer.verify(token);
      await checkLinkState(payload, store);
      return payload;
    },
    async revoke(id, expiresAt) {
      if (store === undefined) throw configInvalid('link signer: revoking a link needs a link store');
      if (typeof id !== 'string' || !LINK_ID.test(id)) throw badRevocation('a link id is 1-64 characters of A-Z a-z 0-9 _ -');
      if (expiresAt !== undefined && !(types.isDate(expiresAt) && !Number.isNaN(expiresAt.getTime()))) throw badRevocation('expiresAt must be a valid Date');
      const until = expiresAt ?? new Date(now() + maxTtlSeconds * 1000);
      await bounded(store, () => store.revoke(id, until));
    },
  };
  return signer;
}

/** The id (and the use limit) a link gets: an id for every link when there is a store. */
function statefulFields(use: LinkUseOptions, store: LinkStore | undefined): Pick<WirePayload, 'jti' | 'mu'> {
  const { maxUses, id, revocable } = use ?? {};
  if (revocable === false) {
    if (maxUses !== undefined || id !== undefined) throw badInput('a link with maxUses or an id is revocable');
    return {};
  }
  if (store === undefined) {
    if (maxUses !== undefined || id !== undefined) throw configInvalid('link signer: maxUses and id need a link store (options.store)');
    return {};
  }
  if (id !== undefined && (typeof id !== 'string' || !LINK_ID.test(id))) throw badInput('id must be 1-64 characters of A-Z a-z 0-9 _ -');
  if (maxUses !== undefined && (!Number.isSafeInteger(maxUses) || maxUses < 1 || maxUses > MAX_LINK_USES)) {
    throw badInput(`maxUses must be a whole number from 1 to ${MAX_LINK_USES}`);
  }
  return { jti: id ?? randomBytes(16).toString('base64url'), ...(maxUses === undefined ? {} : { mu: maxUses }) };
}

function checkSecrets(keys: Record<string, string | Buffer> | undefined): Map<string, Buffer> {
  if (typeof keys !== 'object' || keys === null || Object.keys(keys).length === 0) throw configInvalid('link signer: keys must map at least one key id to a secret');
  const secrets = new Map<string, Buffer>();
  for (const [kid, secret] of Object.entries(keys)) {
    if (!KEY_ID.test(kid)) throw configInvalid(`link signer: key id "${kid}" must be 1-64 characters of A-Z a-z 0-9 . _ -`);
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.isBuffer(secret) ? secret : undefined;
    if (!bytes) throw configInvalid(`link signer: the secret of key id "${kid}" must be a string or a Buffer`);
    if (bytes.length < MIN_SECRET_BYTES) throw configInvalid(`link signer: the secret of key id "${kid}" has ${bytes.length} bytes, at least ${MIN_SECRET_BYTES} are needed`);
    secrets.set(kid, Buffer.from(bytes));
  }
  return secrets;
}

/** Expiry in whole seconds since the epoch (rounded up), within (now, now + maxTtl]. */
function expiryOf(input: SignInput, nowMs: number, maxTtlSeconds: number): number {
  const hasTtl = input?.ttlSeconds !== undefined;
  const hasDate = input?.expiresAt !== undefined;
  if (hasTtl === hasDate) throw badInput('give exactly one of expiresAt and ttlSeconds');
  let expiresMs: number;
  if (hasTtl) {
    const ttl = input.ttlSeconds as number;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) throw badInput('ttlSeconds must be a positive number');
    expiresMs = nowMs + ttl * 1000;
  } else {
    const at = input.expiresAt as Date;
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw badInput('expiresAt must be a valid Date');
    expiresMs = at.getTime();
    if (expiresMs <= nowMs) throw badInput('expiresAt must be in the future');
  }
  if (expiresMs - nowMs > maxTtlSeconds * 1000) throw badInput(`the link would live longer than the maximum of ${maxTtlSeconds} seconds`);
  return Math.ceil(expiresMs / 1000);
}

function checkDisposition(value: unknown): Disposition {
  if (value !== 'inline' && value !== 'attachment') throw badInput('disposition must be "inline" or "attachment"');
  return value;
}

/** Any non-empty name up to 1024 bytes: the strategies sanitise it for `Content-Disposition`. */
function checkFilename(value: unknown): string {
  if (typeof value !== 'string' || value === '' || Buffer.byteLength(value) > MAX_FILENAME_BYTES) {
    throw badInput(`filename must be a non-empty string of at most ${MAX_FILENAME_BYTES} bytes`);
  }
  return value;
}

function mac(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** Splits a token; only canonical base64url is accepted, so no two strings verify as the same token. */
function splitToken(token: unknown): { body: string; signature: Buffer } {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw linkInvalid('malformed');
  const parts = token.split('.');
  const [body, signature] = parts;
  if (parts.length !== 2 || !body || !signature || !isCanonicalBase64url(body) || !isCanonicalBase64url(signature)) throw linkInvalid('malformed');
  return { body, signature: Buffer.from(signature, 'base64url') };
}

function parseWire(body: string): WirePayload {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw linkInvalid('malformed');
  }
  const candidate = wire as Partial<WirePayload> | null;
  const valid =
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.v === VERSION &&
    typeof candidate.kid === 'string' &&
    typeof candidate.key === 'string' &&
    Number.isSafeInteger(candidate.exp) &&
    (candidate.disp === undefined || candidate.disp === 'inline' || candidate.disp === 'attachment') &&
    (candidate.fn === undefined || typeof candidate.fn === 'string') &&
    (candidate.jti === undefined || (typeof candidate.jti === 'string' && LINK_ID.test(candidate.jti))) &&
    (candidate.mu === undefined || (Number.isSafeInteger(candidate.mu) && candidate.mu >= 1 && candidate.mu <= MAX_LINK_USES));
  if (!valid) throw linkInvalid('malformed');
  return candidate as WirePayload;
}

function toPayload(wire: WirePayload): LinkPayload {
  let key: Key;
  try {
    key = validateKey(wire.key);
  } catch {
    throw linkInvalid('malformed');
  }
  const payload: LinkPayload = { key, expiresAt: new Date(wire.exp * 1000), keyId: wire.kid };
  if (wire.disp !== undefined) payload.disposition = wire.disp;
  if (wire.fn !== undefined) payload.filename = wire.fn;
  if (wire.jti !== undefined) payload.id = wire.jti;
  if (wire.mu !== undefined) payload.maxUses = wire.mu;
  return payload;
}

/** One message for every reason, so a client learns nothing from it; the reason stays in `cause`. */
function linkInvalid(reason: string): SendoffError {
  return new SendoffError('LINK_INVALID', 'invalid link', { cause: reason });
}

function badInput(message: string): SendoffError {
  return new SendoffError('BAD_REQUEST', `cannot sign link: ${message}`);
}

function badRevocation(message: string): SendoffError {
  return new SendoffError('BAD_REQUEST', `cannot revoke link: ${message}`);
}
