/**
 * A Next.js app as its operator runs it: `next build`, then `next start` on 127.0.0.1 and an
 * ephemeral port. The @sendoff packages are compiled from their sources (the app's tsconfig maps
 * them, see examples/next/next.config.ts). A build is reused while nothing it is made from
 * changed: the app's own files, the sources of @sendoff/core and @sendoff/fetch, the example's
 * next.config.ts (the conformance app reuses it), the lockfile.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { runOrFail } from '@sendoff-tools/test-kit';
import { startListeningProcess, type AppProcess } from '../e2e/app-process.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const NEXT_BIN = createRequire(import.meta.url).resolve('next/dist/bin/next');
const BUILD_INPUTS = [join(REPO_ROOT, 'packages', 'core', 'src'), join(REPO_ROOT, 'packages', 'fetch', 'src'), join(REPO_ROOT, 'examples', 'next', 'next.config.ts'), join(REPO_ROOT, 'package-lock.json'), join(REPO_ROOT, 'tsconfig.base.json'), join(REPO_ROOT, 'tsconfig.workspace.json')];
const NOT_INPUTS = new Set(['.next', 'node_modules', 'next-env.d.ts']);
const STAMP = join('.next', 'sendoff-build-inputs');
/** No telemetry, no update check: the tests run offline. */
const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: '1' };

/** Builds the app in `dir` unless its last build was made from the same inputs. */
export async function buildNextApp(dir: string): Promise<void> {
  const inputs = await digestOf([dir, ...BUILD_INPUTS]);
  const stamp = join(dir, STAMP);
  if ((await readFile(stamp, 'utf8').catch(() => '')) === inputs) return;
  await runOrFail(process.execPath, [NEXT_BIN, 'build'], { cwd: dir, env: { ...process.env, ...NEXT_ENV } });
  await writeFile(stamp, inputs);
}

/** `next start` of the built app in `dir` with `env`; resolves once it serves. */
export function startNextApp(dir: string, env: Record<string, string>): Promise<AppProcess> {
  return startListeningProcess({
    args: [NEXT_BIN, 'start', '--port', '0', '--hostname', '127.0.0.1'],
    cwd: dir,
    env: { ...NEXT_ENV, ...env },
    listening: /Local:\s+(http:\/\/\S+)/,
  });
}

async function digestOf(paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    for (const file of await filesUnder(path)) {
      hash.update(`${relative(REPO_ROOT, file)}\0`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex');
}

async function filesUnder(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (entries === undefined) return [path];
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (NOT_INPUTS.has(entry.name)) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(child)));
    else if (entry.isFile()) files.push(child);
  }
  return files;
}
