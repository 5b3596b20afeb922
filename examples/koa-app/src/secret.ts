import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

const SECRET_FILE = 'secret.key';

/**
 * The app's signing secret: `SENDOFF_APP_SECRET` (at least 32 characters) when set, else a random
 * secret created once in the data directory (so tokens and links survive a restart).
 */
export async function loadSecret(dataDir: string, env: Readonly<Record<string, string | undefined>>): Promise<Buffer> {
  const fromEnv = env['SENDOFF_APP_SECRET'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 32) throw new Error('SENDOFF_APP_SECRET must be at least 32 characters');
    return Buffer.from(fromEnv, 'utf8');
  }
  const file = path.join(dataDir, SECRET_FILE);
  try {
    return Buffer.from((await fsp.readFile(file, 'utf8')).trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await fsp.writeFile(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return Buffer.from((await fsp.readFile(file, 'utf8')).trim(), 'hex');
}
