/**
 * The example apps run as an operator runs them, set up by environment variables only, each
 * resolved once it prints the URL it listens on: the Koa example app (`node --import tsx
 * src/main.ts` from examples/koa-app, the directory whose tsconfig enables its decorators), and
 * any other program through `startListeningProcess` (the per-framework examples).
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
  /** The process id of the program started. */
  pid: number;
  /** The URL clients use (the front server's when the profile has one). */
  url: string;
  /** Everything the app printed so far. */
  output(): string;
  /** SIGTERM, then waits for the exit (the app stops its front server and local S3 itself). */
  stop(): Promise<void>;
}

export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  return startListeningProcess({
    args: ['--import', 'tsx', 'src/main.ts'],
    cwd: APP_DIR,
    env: { PORT: '0', DATA_DIR: options.dataDir, SENDOFF_PROFILE: options.profile, ...options.env },
  });
}

export interface ListeningProcessOptions {
  /** Default: this Node binary. */
  command?: string;
  args: string[];
  cwd: string;
  /** Added to the environment of the test run, minus the settings only tests give (PORT, HOST, SENDOFF_…). */
  env?: Record<string, string>;
  /** Default 60 s. */
  startTimeoutMs?: number;
  /** The line that says it serves, with the URL as its first group. Default `listening on <url>`. */
  listening?: RegExp;
}

/** Starts a program that prints `listening on <url>` (or `listening`) once it serves; resolves with that URL. */
export async function startListeningProcess(options: ListeningProcessOptions): Promise<AppProcess> {
  const child = spawn(options.command ?? process.execPath, options.args, {
    cwd: options.cwd,
    env: { ...inheritedEnv(), NODE_NO_WARNINGS: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const stop = () => stopChild(child, STOP_TIMEOUT_MS);
  try {
    const url = await listeningUrl(child, () => output, options.listening ?? LISTENING, options.startTimeoutMs ?? START_TIMEOUT_MS);
    return { pid: child.pid!, url, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !OWN_SETTINGS.test(name)));
}

function listeningUrl(child: ChildProcess, output: () => string, listening: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the app did not start within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const onData = () => {
      const match = listening.exec(output());
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

