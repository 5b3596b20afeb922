/**
 * The example app run as an operator runs it: `node --import tsx src/main.ts` from
 * examples/koa-app (the directory whose tsconfig enables its decorators), set up
 * by environment variables only. Resolves once the app prints the URL it listens on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from '@sendoff-tools/test-kit';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APP_DIR = join(REPO_ROOT, 'examples', 'koa-app');

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const LISTENING = /listening on (http:\/\/\S+)/;
/** Settings that must come from the test only, never from the shell running it. */
const OWN_SETTINGS = /^(S3_|AWS_|SENDOFF_|MIGRATING_|PORT$|HOST$|DATA_DIR$)/;

export interface AppProcessOptions {
  profile: string;
  dataDir: string;
  env?: Record<string, string>;
}

export interface AppProcess {
  /** The URL clients use (the front server's when the profile has one). */
  url: string;
  /** Everything the app printed so far. */
  output(): string;
  /** SIGTERM, then waits for the exit (the app stops its front server and local S3 itself). */
  stop(): Promise<void>;
}

export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: APP_DIR,
    env: { ...inheritedEnv(), NODE_NO_WARNINGS: '1', PORT: '0', DATA_DIR: options.dataDir, SENDOFF_PROFILE: options.profile, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const stop = () => stopChild(child, STOP_TIMEOUT_MS);
  try {
    const url = await listeningUrl(child, () => output);
    return { url, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !OWN_SETTINGS.test(name)));
}

function listeningUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the app did not start within ${START_TIMEOUT_MS} ms:\n${output()}`)), START_TIMEOUT_MS);
    const onData = () => {
      const match = LISTENING.exec(output());
      if (match?.[1]) finish(undefined, match[1]);
    };
    const onExit = (code: number | null) => finish(new Error(`the app exited (${code}) before listening:\n${output()}`));
    function finish(error?: Error, url?: string) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(url as string);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

