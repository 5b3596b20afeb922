import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/**
 * What an unknown user's password is checked against: a hash of the same shape, so both cases
 * cost one scrypt of the same length (and no valid password matches it).
 */
const DUMMY_HASH = `scrypt$${Buffer.alloc(SALT_LENGTH).toString('base64url')}$${Buffer.alloc(KEY_LENGTH).toString('base64url')}`;

/** scrypt on libuv's thread pool, never on the event loop. */
function scryptAsync(password: string, salt: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, length, (error, key) => (error ? reject(error) : resolve(key))));
}

/** `scrypt$<salt>$<hash>`, both base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  return `scrypt$${salt.toString('base64url')}$${(await scryptAsync(password, salt, KEY_LENGTH)).toString('base64url')}`;
}

/** Whether `password` matches `stored`; false when nothing is stored (same work either way). */
export async function isPasswordCorrect(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, salt, hash] = (stored ?? DUMMY_HASH).split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length === 0) return false;
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(actual, expected) && stored !== undefined;
}
