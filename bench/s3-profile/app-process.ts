/**
 * The example app (examples/koa-app) in its own Node process, as `npm start` runs it there: tsx
 * under the app's own tsconfig (its legacy decorators), PORT=0, a fresh data directory (seeded on
 * start), a chosen profile. Resolves once the app prints the URL it listens on.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { hasExited, spawnScript, stopChild, waitForAnnouncement } from '@sendoff-tools/test-kit';

const APP_DIR = fileURLToPath(new URL('../../examples/koa-app/', import.meta.url));
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/;
/** Settings that would point the app elsewhere than its own defaults (an outside bucket, another profile). */
const INHERITED_OUT = /^(S3_|AWS_|SENDOFF_|PORT$|HOST$|DATA_DIR$|UPLOAD_LIMIT_BYTES$|MIGRATING_)/;

export interface AppProcess {
  readonly label: string;
  readonly pid: number;
  readonly url: string;
  /** Whether the process has exited (a crash, before `stop()`). */
  readonly exited: boolean;
  stop(): Promise<void>;
}

export interface AppProcessOptions {
  label: string;
  profile: string;
  /** Extra environment for the app (S3_DELIVERY=proxy, ...). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sendoff-bench-app-'));
  const child = spawnScript('src/main.ts', [], {
    cwd: APP_DIR,
    stderr: 'pipe',
    env: {
      ...inheritedEnv(),
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SENDOFF_PROFILE: options.profile,
      SENDOFF_APP_SECRET: 'benchmark-secret-of-at-least-thirty-two-characters',
      ...options.env,
    },
  });
  const stderr = tail(child);
  const stop = async () => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await waitForAnnouncement(child, { read: urlFrom, what: 'URL', timeoutMs: options.startTimeoutMs ?? 60_000 });
    return {
      label: options.label,
      pid: child.pid!,
      url,
      get exited() {
        return hasExited(child);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`the ${options.label} app did not start: ${(error as Error).message}\n${stderr().join('\n')}`);
  }
}

function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !INHERITED_OUT.test(entry[0])));
}

/** Keeps the last lines of the child's stderr (for an error message) and keeps the pipe drained. */
function tail(child: ChildProcess, keep = 20): () => string[] {
  const lines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    lines.push(line);
    if (lines.length > keep) lines.shift();
  });
  return () => [...lines];
}

function urlFrom(line: string): string | undefined {
  return LISTENING.exec(line)?.[1];
}
