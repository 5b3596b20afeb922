/**
 * The input of `generateServerConfig` and the checks every generator shares: values that go into
 * a config file verbatim must not be able to break out of their quotes or name a relative path.
 */
import { isAbsolute } from 'node:path';
import { configInvalid } from '../errors/sendoff-error.js';
import type { CaddyAccelStrategy } from '../strategies/caddy-accel.js';
import type { XAccelStrategy } from '../strategies/x-accel.js';
import type { XSendfileStrategy } from '../strategies/x-sendfile.js';
import type { ServerKind } from '../strategies/header-survival.js';

export interface HostPort {
  host: string;
  port: number;
}

/** An offload strategy a web server config can be generated for. */
export type OffloadStrategy = XAccelStrategy | CaddyAccelStrategy | XSendfileStrategy;

export interface ServerConfigInput {
  server: ServerKind;
  /** Where the web server listens. */
  listen: HostPort;
  /** The Node application it proxies to. */
  upstream: HostPort;
  /** The offload strategy the app uses (gives the root and, for nginx, the internal prefix). */
  strategy: OffloadStrategy;
  /** Absolute directory for the pid file, logs and temp files (the config file goes there too). */
  runtimeDir: string;
  /** nginx: extra app headers re-added in the internal location (besides the strategy's). */
  keepHeaders?: string[];
  /**
   * The largest request body the server passes to the app, in bytes; a larger one gets 413 from
   * the server. Default `DEFAULT_MAX_BODY_BYTES` (100 MiB), written into every config.
   */
  maxBodyBytes?: number;
  /**
   * The unprivileged user the workers run as when the server is started as root (nginx `user`,
   * Apache `User`/`Group`, lighttpd `server.username`); it must be able to read the root.
   * Apache refuses to run its workers as root. Ignored for Caddy, which never switches users.
   */
  user?: string;
  /** Group for `user` (defaults to the user's name). */
  group?: string;
}

/** A generated config, and how to run it in the foreground. */
export interface ServerConfig {
  server: ServerKind;
  /** The config file name inside `runtimeDir`. */
  fileName: string;
  text: string;
  /** Directories that must exist before the server starts (all under `runtimeDir`). */
  directories: string[];
  /** The binary and arguments that run it in the foreground with this config. */
  command: { binary: string; args: string[] };
}

/**
 * The request body limit when none is given: 100 MiB. Each server has its own default (nginx 1 MiB,
 * which refuses ordinary uploads; Caddy and lighttpd none), so the generated configs always say it.
 */
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;

// Quotes, backslashes, variables/placeholders, braces, separators, comments and controls.
const UNSAFE_IN_CONFIG = /["'\\$`{};#\u0000-\u001f\u007f]/;

/** An absolute path that can be written between double quotes in any of the four configs. */
export function safePath(path: string, what: string): string {
  if (typeof path !== 'string' || !isAbsolute(path)) throw configInvalid(`${what} must be an absolute path`);
  if (UNSAFE_IN_CONFIG.test(path)) throw configInvalid(`${what} contains characters a server config cannot hold safely: ${JSON.stringify(path)}`);
  return path.replace(/\/+$/, '') || '/';
}

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort({ host, port }: HostPort, what: string): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw configInvalid(`${what}: port must be 1-65535`);
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw configInvalid(`${what}: invalid host ${JSON.stringify(host)}`);
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A user or group name. */
export function safeName(name: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw configInvalid(`${what}: invalid name ${JSON.stringify(name)}`);
  return name;
}

/** Whether the strategy is meant for `server`; throws a clear CONFIG_INVALID otherwise. */
export function checkStrategyServer(input: ServerConfigInput): void {
  if (input.strategy.server !== input.server) {
    throw configInvalid(`strategy "${input.strategy.name}" delivers through ${input.strategy.server}, not ${input.server}`);
  }
}

/**
 * `input.maxBodyBytes`, or the default: a positive safe integer no larger than `max` (what the
 * server can hold); throws a clear CONFIG_INVALID otherwise.
 */
export function maxBodyBytesOf(input: ServerConfigInput, max = Number.MAX_SAFE_INTEGER): number {
  const value = input.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(value) || value < 1) throw configInvalid(`maxBodyBytes must be a positive whole number of bytes, got ${String(value)}`);
  if (value > max) throw configInvalid(`maxBodyBytes: ${input.server} takes at most ${max} bytes, got ${value}`);
  return value;
}
