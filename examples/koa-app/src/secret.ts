import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { MIN_SECRET_BYTES } from '@sendoff/core';

const SECRET_FILE = 'secret.key';
const SECRET_BYTES = 32;
/** The one encoding `secret.key` may hold: 32 bytes as 64 hex digits (white space around it is ignored). */
const SECRET_FILE_CONTENT = new RegExp(`^[0-9a-fA-F]{${SECRET_BYTES * 2}}$`);

/**
 * The app's signing secret: `SENDOFF_APP_SECRET` (at least 32 bytes) when set, else a random
 * secret created once in the data directory (so tokens and links survive a restart). A secret
 * that is too short, or a `secret.key` that is not exactly 64 hex digits, stops the start: read
 * leniently, a damaged file would key every token with next to nothing.
 */
export async function loadSecret(dataDir: string, env: Readonly<Record<string, string | undefined>>): Promise<Buffer> {
  const fromEnv = env['SENDOFF_APP_SECRET'];
  if (fromEnv !== undefined && fromEnv !== '') return secretFromEnv(fromEnv);
  const file = path.join(dataDir, SECRET_FILE);
  const existing = await readSecretFile(file);
  if (existing !== undefined) return existing;
  await fsp.writeFile(file, randomBytes(SECRET_BYTES).toString('hex'), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return (await readSecretFile(file)) as Buffer;
}

function secretFromEnv(value: string): Buffer {
  const secret = Buffer.from(value, 'utf8');
  if (secret.length < MIN_SECRET_BYTES) throw new Error(`SENDOFF_APP_SECRET must be at least ${MIN_SECRET_BYTES} bytes (UTF-8), got ${secret.length}`);
  return secret;
}

/** The secret in `file`; undefined when there is no such file. */
async function readSecretFile(file: string): Promise<Buffer | undefined> {
  let content: string;
  try {
    content = (await fsp.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!SECRET_FILE_CONTENT.test(content)) {
    throw new Error(
      `${file} does not hold a valid secret (${SECRET_BYTES * 2} hexadecimal characters): delete it to have a new one generated ` +
        '(signed-in users sign in again, shared links stop working), or set SENDOFF_APP_SECRET',
    );
  }
  return Buffer.from(content, 'hex');
}
