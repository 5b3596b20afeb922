/**
 * A real redis-server (the Debian package) for tests: 127.0.0.1 on a free port, its own temp
 * directory, no persistence (`--save ''`, `--appendonly no`). `kill()` stops it the hard way, as a
 * crashed Redis; `stop()` also removes the directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@sendoff-tools/web-servers';
import { hasExited, stopChild } from './child-server.js';
import { waitForAnnouncement } from './wait-for-announcement.js';

export interface LocalRedis {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGKILL, as a crash: clients see the connection drop. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers, as an overloaded Redis. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  /** Stops it (if still running) and removes its directory. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const ATTEMPTS = 3;

export async function startLocalRedis(): Promise<LocalRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'sendoff-redis-'));
  let lastError: unknown;
  // Another process may take the free port between the look-up and the bind: try another.
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = await findFreePort(HOST);
    const child = spawnRedis(port, dir);
    try {
      await waitForAnnouncement(child, { read: (line) => (line.includes('Ready to accept connections') ? true : undefined), what: 'redis-server ready line', timeoutMs: 10_000 });
      return running(child, port, dir);
    } catch (error) {
      lastError = error;
      await stopChild(child);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start (is the Debian package redis-server installed?): ${(lastError as Error).message}`);
}

function spawnRedis(port: number, dir: string): ChildProcess {
  const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice'];
  return spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function running(child: ChildProcess, port: number, dir: string): LocalRedis {
  child.stderr?.resume();
  return {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    async kill() {
      if (hasExited(child)) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    freeze() {
      child.kill('SIGSTOP');
    },
    thaw() {
      child.kill('SIGCONT');
    },
    async stop() {
      if (!hasExited(child)) child.kill('SIGCONT');
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
