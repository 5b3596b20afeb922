/**
 * Runs a server under test in its own Node process (TypeScript through tsx, workspace packages
 * through the tsconfig `paths` to their sources) and waits for the `{"port":N}` line it prints once
 * listening on 127.0.0.1. One process per server keeps its RSS separate from the load generator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { waitForAnnouncement } from './wait-for-announcement.js';

/** The repository root: where `tsx` and the workspace packages resolve from. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ChildServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly origin: string;
  /** Whether the process has exited (after `stop()`, or on its own: a crash). */
  readonly exited: boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Label used in reports. */
  name: string;
  /** The server script (absolute path or file URL). */
  script: string | URL;
  /** Arguments after the script. */
  args?: readonly string[];
  /** How long to wait for the port line. */
  startTimeoutMs?: number;
}

export async function startChildServer(options: StartOptions): Promise<ChildServer> {
  const child = spawnScript(options.script, options.args);
  try {
    const port = await waitForAnnouncement(child, { read: portFrom, what: 'port', timeoutMs: options.startTimeoutMs ?? 30_000 });
    return {
      name: options.name,
      pid: child.pid!,
      port,
      origin: `http://127.0.0.1:${port}`,
      get exited() {
        return hasExited(child);
      },
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw new Error(`${options.name} did not start: ${(error as Error).message}`);
  }
}

export interface SpawnScriptOptions {
  /** Where the process runs (and tsx looks for its tsconfig); the repository root by default. */
  cwd?: string;
  /** The whole environment of the process; by default this one's, with NODE_ENV=production. */
  env?: NodeJS.ProcessEnv;
  /** stderr shared with this process (default) or piped to the caller. */
  stderr?: 'inherit' | 'pipe';
}

/**
 * Runs a TypeScript script in a new Node process (tsx, workspace packages from their sources), from the
 * repository root with NODE_ENV=production unless told otherwise, stdout piped to the caller.
 */
export function spawnScript(script: string | URL, args: readonly string[] = [], options: SpawnScriptOptions = {}): ChildProcess {
  const path = script instanceof URL ? fileURLToPath(script) : script;
  return spawn(process.execPath, ['--import', 'tsx', path, ...args], {
    cwd: options.cwd ?? repoRoot,
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
    env: options.env ?? { ...process.env, NODE_ENV: 'production' },
  });
}

/** The port of a `{"port":N}` line, the announcement a server under test prints once listening. */
export function portFrom(line: string): number | undefined {
  try {
    const message = JSON.parse(line) as { port?: unknown };
    return typeof message.port === 'number' ? message.port : undefined;
  } catch {
    return undefined;
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `killAfterMs` (default 5 s) if the process is still there; resolves once it has exited. */
export async function stopChild(child: ChildProcess, killAfterMs = 5_000): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}
