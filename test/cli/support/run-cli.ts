/**
 * Runs the `sendoff` command from its sources (tsx) as a child process and collects its exit code
 * and output. The working directory may be outside the repository: TSX_TSCONFIG_PATH keeps the
 * workspace packages resolving to their sources. The published bin is run by the consumer test.
 */
import { fileURLToPath } from 'node:url';
import { runProcess, type ProcessResult } from '@sendoff-tools/test-kit';

export const MAIN = fileURLToPath(new URL('../../../packages/cli/src/main.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
/** tsx by its URL: `--import tsx` would resolve from the working directory. */
const TSX = import.meta.resolve('tsx');

export type CliResult = ProcessResult;

export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return runProcess(process.execPath, ['--import', TSX, MAIN, ...args], { env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG, ...env }, ...(cwd === undefined ? {} : { cwd }) });
}
