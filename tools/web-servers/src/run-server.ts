/**
 * Generates the web-server config for an offload strategy, runs it with the real binary from a
 * runtime directory and supervises it: what a "front server" in front of a Node app needs in
 * development and in tests. Production deployments print the config (`sendoff config`) instead.
 */
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServerConfig, type HostPort, type OffloadStrategy, type ServerConfig, type ServerKind } from '@sendoff/core/servers';
import { findFreePort, startWebServer } from './supervise.js';
import { ROOT_WORKER_USER, workerIds } from './worker-user.js';

export interface RunServerOptions {
  server: ServerKind;
  strategy: OffloadStrategy;
  /** The Node app the server proxies to. */
  upstream: HostPort;
  /** Default: 127.0.0.1 on a free port. */
  listen?: HostPort;
  /** Default: a fresh directory under the OS temp dir, removed again by `stop()`. */
  runtimeDir?: string;
  keepHeaders?: string[];
  /** The largest request body passed to the app, in bytes (413 beyond). Default 100 MiB. */
  maxBodyBytes?: number;
  /**
   * Worker user when the process runs as root (Apache refuses root workers). Default `www-data`
   * when running as root, none otherwise. The user must be able to read the strategy root.
   */
  user?: string;
  group?: string;
  /** Changes the generated text before it runs (e.g. a test breaking the config on purpose). */
  editConfig?: (text: string) => string;
  readyTimeoutMs?: number;
}

export interface RunningServer {
  /** `http://host:port` of the server. */
  url: string;
  listen: HostPort;
  /** The generated config (before `editConfig`). */
  config: ServerConfig;
  runtimeDir: string;
  /**
   * The user its workers read files as when it switched to one (started as root); undefined when
   * it reads them as the user that started it (always for Caddy, which never switches users).
   */
  user: string | undefined;
  /** What the server printed so far. */
  output(): string;
  /** Stops the server (and removes a runtime directory it created). */
  stop(): Promise<void>;
}

export async function runServer(options: RunServerOptions): Promise<RunningServer> {
  const ownsRuntimeDir = options.runtimeDir === undefined;
  const runtimeDir = options.runtimeDir ?? (await mkdtemp(join(tmpdir(), `sendoff-${options.server}-`)));
  const cleanup = (): Promise<void> => (ownsRuntimeDir ? rm(runtimeDir, { recursive: true, force: true }) : Promise.resolve());
  try {
    // Workers run as another user than the one that created the directory: let them in.
    await chmod(runtimeDir, 0o755);
    const user = options.user ?? (isRoot() ? ROOT_WORKER_USER : undefined);
    const listen = options.listen ?? { host: '127.0.0.1', port: await findFreePort('127.0.0.1') };
    const config = generateServerConfig({
      server: options.server,
      listen,
      upstream: options.upstream,
      strategy: options.strategy,
      runtimeDir,
      keepHeaders: options.keepHeaders,
      maxBodyBytes: options.maxBodyBytes,
      user,
      group: options.group,
    });
    for (const dir of config.directories) await mkdir(dir, { recursive: true, mode: 0o755 });
    // Some servers (lighttpd) open their logs after switching to the worker user.
    if (user !== undefined && isRoot()) await giveToUser([runtimeDir, ...config.directories], user);
    const text = options.editConfig ? options.editConfig(config.text) : config.text;
    const running = await startWebServer(options.server, text, runtimeDir, { listen, readyTimeoutMs: options.readyTimeoutMs });
    return {
      url: `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`,
      listen,
      config,
      runtimeDir,
      user: workerUserOf(options.server, user),
      output: running.output,
      async stop() {
        await running.stop();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function giveToUser(dirs: string[], user: string): Promise<void> {
  const ids = await workerIds(user);
  if (ids === undefined) return;
  for (const dir of new Set(dirs)) await chown(dir, ids.uid, ids.gid);
}

/** The user the workers switch to: only a server started as root switches, and Caddy never does. */
function workerUserOf(server: ServerKind, user: string | undefined): string | undefined {
  return isRoot() && server !== 'caddy' ? user : undefined;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
