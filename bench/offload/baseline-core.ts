/**
 * The core's sources as another commit has them (e.g. main before a change), extracted with
 * `git archive` under bench/tmp/ so that they resolve their dependencies from the repository's
 * node_modules, for an app process to load instead of the working tree's.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@sendoff-tools/test-kit';

const run = promisify(execFile);

export interface BaselineCore {
  /** The commit the sources come from (full hash). */
  commit: string;
  /** The core's entry point (its src/index.ts) in the extracted copy. */
  entry: string;
  remove(): Promise<void>;
}

export async function extractBaselineCore(ref: string): Promise<BaselineCore> {
  const { stdout } = await run('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: repoRoot });
  const commit = stdout.trim();
  const parent = join(repoRoot, 'bench', 'tmp');
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'baseline-core-'));
  try {
    await run('sh', ['-c', `git archive "${commit}" packages/core/src | tar -x -C "${dir}"`], { cwd: repoRoot });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { commit, entry: join(dir, 'packages', 'core', 'src', 'index.ts'), remove: () => rm(dir, { recursive: true, force: true }) };
}
