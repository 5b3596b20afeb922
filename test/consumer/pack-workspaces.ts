/**
 * Packs every public workspace of the repository with `npm pack` (whose `prepack` builds the
 * package's dist/) into a directory, and answers each tarball with the files it holds.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOrFail } from '@sendoff-tools/test-kit';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PackedPackage {
  name: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package (`dist/index.js`, `package.json`, ...). */
  files: string[];
}

interface Manifest {
  name: string;
  private?: boolean;
  workspaces?: string[];
}

async function manifestOf(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** The names of the workspaces that are published (not `private`), in the root's order. */
export async function publicWorkspaces(): Promise<string[]> {
  const root = await manifestOf(REPO_ROOT);
  const manifests = await Promise.all((root.workspaces ?? []).map((dir) => manifestOf(join(REPO_ROOT, dir))));
  return manifests.filter((manifest) => manifest.private !== true).map((manifest) => manifest.name);
}

export async function packWorkspaces(destination: string): Promise<PackedPackage[]> {
  const names = await publicWorkspaces();
  const args = ['pack', '--json', '--pack-destination', destination, ...names.flatMap((name) => ['--workspace', name])];
  const { stdout } = await runOrFail('npm', args, { cwd: REPO_ROOT });
  const packed = JSON.parse(stdout) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
  return packed.map((entry) => ({
    name: entry.name,
    tarball: join(destination, entry.filename),
    files: entry.files.map((file) => file.path),
  }));
}
