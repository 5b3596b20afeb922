/**
 * The files every per-framework example serves in its test, written to a fresh FILES_ROOT, and
 * the token the examples ask for.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const DOWNLOAD_TOKEN = 'example-download-token';
export const REPORT_KEY = 'docs/report.txt';
export const REPORT = Buffer.from(Array.from({ length: 10_000 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz\n'.charCodeAt(i % 27)));

export interface ExampleFiles {
  root: string;
  remove(): Promise<void>;
}

export async function writeExampleFiles(): Promise<ExampleFiles> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'sendoff-example-files-')));
  await mkdir(dirname(join(root, REPORT_KEY)), { recursive: true });
  await writeFile(join(root, REPORT_KEY), REPORT);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

export function authorized(headers: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${DOWNLOAD_TOKEN}`, ...headers };
}
