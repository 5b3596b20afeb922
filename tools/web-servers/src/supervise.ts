/**
 * Runs a generated web-server config with the real binary (nginx, apache2, lighttpd, caddy) in the
 * foreground, waits until it accepts connections and stops it again. The one place in the
 * repository that starts web-server processes: the example app's profiles, the integration tests
 * and the benchmarks use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { SendoffError } from '@sendoff/core';
import { APACHE_MODULES_DIR, type HostPort } from '@sendoff/core/servers';

export type WebServerKind = 'nginx' | 'apache' | 'lighttpd' | 'caddy';

export interface StartWebServerOptions {
  /** Where the server listens: start-up waits until a TCP connection succeeds there. */
  listen: HostPort;
  /** Give up (and stop the process) after this long. Default 15 s. */
  readyTimeoutMs?: number;
}

export interface RunningWebServer {
  readonly kind: WebServerKind;
  readonly pid: number;
  /** The config file written into the runtime directory. */
  readonly configPath: string;
  /** What the server wrote to stdout/stderr so far (for diagnostics). */
  output(): string;
  /** Stops the server and waits for the process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

interface Binary {
  command: string;
  /** Debian packages that provide it (what to tell the user to install). */
  packages: string;
  configFile: string;
  /** Modules the generated config loads, by file name in the modules directory, with their package. */
  modules?: ReadonlyArray<{ file: string; package: string }>;
  args(configPath: string, configText: string, runtimeDir: string): string[];
}

const BINARIES: Record<WebServerKind, Binary> = {
  nginx: {
    command: 'nginx',
    packages: 'nginx',
    configFile: 'nginx.conf',
    args: (configPath, configText, runtimeDir) => ['-e', 'stderr', '-p', runtimeDir, ...nginxGlobals(configText), '-c', configPath],
  },
  apache: {
    command: 'apache2',
    packages: 'apache2 libapache2-mod-xsendfile',
    configFile: 'httpd.conf',
    modules: [{ file: 'mod_xsendfile.so', package: 'libapache2-mod-xsendfile' }],
    args: (configPath) => ['-f', configPath, '-DFOREGROUND'],
  },
  lighttpd: {
    command: 'lighttpd',
    packages: 'lighttpd',
    configFile: 'lighttpd.conf',
    args: (configPath) => ['-D', '-f', configPath],
  },
  caddy: {
    command: 'caddy',
    packages: 'caddy',
    configFile: 'Caddyfile',
    args: (configPath) => ['run', '--config', configPath, '--adapter', 'caddyfile'],
  },
};

/** Directories searched besides PATH: web servers live in sbin, often missing from a user's PATH. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

const running = new Set<ChildProcess>();
let killsOnExit = false;

/**
 * A server left running would keep its port: kill what is still running when Node exits. Hooked on
 * the first start, so importing sendoff adds no process listener.
 */
function killRunningOnExit(): void {
  if (killsOnExit) return;
  killsOnExit = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * Writes `configText` into `runtimeDir`, starts the server for `kind` in the foreground and resolves
 * once it accepts connections on `options.listen`. Rejects with a CONFIG_INVALID error naming the
 * Debian package when the binary is missing, when another process already answers on
 * `options.listen`, or quoting the server's own output when it exits early.
 */
export async function startWebServer(
  kind: WebServerKind,
  configText: string,
  runtimeDir: string,
  options: StartWebServerOptions,
): Promise<RunningWebServer> {
  const binary = BINARIES[kind];
  const command = findWebServerBinary(kind);
  // Otherwise the readiness check below would take the other process's answer for the server's.
  if (await acceptsConnections(options.listen)) throw portInUse(options.listen);
  const configPath = join(runtimeDir, binary.configFile);
  await writeFile(configPath, configText);
  const child = spawn(command, binary.args(configPath, configText, runtimeDir), {
    cwd: runtimeDir,
    env: serverEnv(runtimeDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = supervise(kind, child, configPath);
  try {
    await waitUntilListening(child, options.listen, options.readyTimeoutMs ?? 15_000, server.output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/**
 * The absolute path of the binary for `kind`; throws one clear line naming the Debian package to
 * install when it is missing, or when a module the generated config loads is (Apache's
 * mod_xsendfile, looked for in `modulesDir`).
 */
export function findWebServerBinary(kind: WebServerKind, dirs: readonly string[] = searchDirs(), modulesDir = APACHE_MODULES_DIR): string {
  const { command, packages, modules = [] } = BINARIES[kind];
  const binary = dirs.map((dir) => join(dir, command)).find(isExecutable);
  if (binary === undefined) {
    throw new SendoffError('CONFIG_INVALID', `${command} not found: install the Debian package(s) ${packages} (apt-get install ${packages})`);
  }
  const missing = modules.find((module) => !existsSync(join(modulesDir, module.file)));
  if (missing !== undefined) {
    throw new SendoffError('CONFIG_INVALID',
      `${missing.file} not found in ${modulesDir}: install the Debian package ${missing.package} (apt-get install ${missing.package})`);
  }
  return binary;
}

/** A port that was free a moment ago on `host` (servers such as nginx cannot listen on port 0). */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function searchDirs(): string[] {
  return [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** nginx directives the supervisor adds unless the config sets them: foreground, own pid file. */
function nginxGlobals(configText: string): string[] {
  const globals: string[] = [];
  if (!hasDirective(configText, 'daemon')) globals.push('daemon off;');
  if (!hasDirective(configText, 'pid')) globals.push('pid nginx.pid;');
  return globals.length === 0 ? [] : ['-g', globals.join(' ')];
}

function hasDirective(configText: string, name: string): boolean {
  return new RegExp(`^\\s*${name}\\s`, 'm').test(configText);
}

/** Caddy keeps its state under XDG dirs: point them at the runtime directory. */
function serverEnv(runtimeDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(runtimeDir, 'xdg-config'),
    XDG_DATA_HOME: join(runtimeDir, 'xdg-data'),
  };
}

function supervise(kind: WebServerKind, child: ChildProcess, configPath: string): RunningWebServer {
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  killRunningOnExit();
  running.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  exited.then(() => running.delete(child));
  let stopping: Promise<void> | undefined;
  return {
    kind,
    pid: child.pid ?? -1,
    configPath,
    output: () => output,
    stop: () => (stopping ??= stopChild(child, exited)),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (hasExited(child)) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

async function waitUntilListening(child: ChildProcess, listen: HostPort, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  for (;;) {
    if (spawnError) throw new SendoffError('CONFIG_INVALID', `cannot start ${child.spawnfile}: ${spawnError.message}`, { cause: spawnError });
    if (hasExited(child)) throw exitedEarly(child, output());
    if (await acceptsConnections(listen)) return;
    if (Date.now() > deadline) throw new SendoffError('CONFIG_INVALID', `${child.spawnfile} did not listen on ${listen.host}:${listen.port} in time: ${lastLines(output())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function portInUse({ host, port }: HostPort): SendoffError {
  return new SendoffError('CONFIG_INVALID', `${host}:${port} is already in use: another process answers there; stop it or choose another port`);
}

function exitedEarly(child: ChildProcess, output: string): SendoffError {
  const status = child.exitCode ?? child.signalCode;
  return new SendoffError('CONFIG_INVALID', `${child.spawnfile} exited (${status}) at start-up: ${lastLines(output)}`);
}

function lastLines(output: string): string {
  const lines = output.trim().split('\n').slice(-5).join(' | ');
  return lines === '' ? '(no output)' : lines;
}

function acceptsConnections({ host, port }: HostPort): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
