/**
 * `sendoff config <nginx|apache|lighttpd|caddy> [--root DIR [--prefix PATH] | --config FILE]
 * [--listen host:port] [--upstream host:port] [--runtime-dir DIR] [--strategy NAME] [--user NAME]
 * [--keep-header NAME]... [--max-body-bytes N]` prints the web-server config generated from the
 * offload strategy for that server: the one the flags describe, or the deployment module's.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeliveryStrategy } from '@sendoff/core';
import { DEFAULT_INTERNAL_PREFIX, DEFAULT_MAX_BODY_BYTES, generateServerConfig, type OffloadStrategy, type ServerKind } from '@sendoff/core/servers';
import { parseAddress } from '../address.js';
import { DEFAULT_MODULES, findDefaultModule, loadDeployment, strategiesOf, type DeploymentModule } from '../deployment/load-deployment.js';
import { UsageError, type Command, type CommandIo } from '../io.js';
import { hasStrategyFlags, strategyFromFlags } from './strategy-from-flags.js';

export const SERVER_KINDS: readonly ServerKind[] = ['nginx', 'apache', 'lighttpd', 'caddy'];

export const DEFAULT_LISTEN = '127.0.0.1:8080';
export const DEFAULT_UPSTREAM = '127.0.0.1:3000';
export const DEFAULT_RUNTIME_DIR = '.sendoff-run';

/** The strategy each server needs, for messages. */
const STRATEGY_FOR: Record<ServerKind, string> = {
  nginx: 'xAccel({ root, prefix })',
  apache: "xSendfile({ server: 'apache', root })",
  lighttpd: "xSendfile({ server: 'lighttpd', root })",
  caddy: 'caddyAccel({ root })',
};

const OPTIONS = {
  root: { type: 'string' },
  prefix: { type: 'string' },
  config: { type: 'string', short: 'c' },
  listen: { type: 'string' },
  upstream: { type: 'string' },
  'runtime-dir': { type: 'string' },
  strategy: { type: 'string' },
  user: { type: 'string' },
  group: { type: 'string' },
  'keep-header': { type: 'string', multiple: true },
  'max-body-bytes': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const configCommand: Command = {
  summary: 'print the nginx / apache / lighttpd / caddy config for a deployment',
  run: runConfig,
};

async function runConfig(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    io.out(usage());
    return 0;
  }
  const server = serverKindOf(positionals);
  const { strategy, settings } = await strategySource(server, values);
  // A configuration generateServerConfig refuses (CONFIG_INVALID) is a usage error for the dispatcher.
  const generated = generateServerConfig({
    server,
    listen: parseAddress(values.listen ?? settings.listen ?? DEFAULT_LISTEN, '--listen'),
    upstream: parseAddress(values.upstream ?? settings.upstream ?? DEFAULT_UPSTREAM, '--upstream'),
    strategy,
    runtimeDir: resolve(values['runtime-dir'] ?? settings.runtimeDir ?? DEFAULT_RUNTIME_DIR),
    keepHeaders: values['keep-header'],
    maxBodyBytes: maxBodyBytesFrom(values['max-body-bytes'], settings.maxBodyBytes),
    user: values.user,
    group: values.group,
  });
  io.out(generated.text);
  io.err(`# create its directories first: mkdir -p ${generated.directories.map(quoteArg).join(' ')}\n`);
  io.err(`# run it in the foreground with: ${generated.command.binary} ${generated.command.args.map(quoteArg).join(' ')}\n`);
  return 0;
}

/** The options that say where the strategy comes from. */
interface StrategyOptions {
  root?: string | undefined;
  prefix?: string | undefined;
  config?: string | undefined;
  strategy?: string | undefined;
}

interface StrategySource {
  strategy: OffloadStrategy;
  /** The module's defaults for `sendoff config` (none when the flags describe the strategy). */
  settings: NonNullable<DeploymentModule['server']>;
}

/** The offload strategy from the flags, or else from the deployment module. */
async function strategySource(server: ServerKind, values: StrategyOptions): Promise<StrategySource> {
  if (hasStrategyFlags(values)) {
    if (values.config !== undefined) throw new UsageError('--root (with --prefix) describes the strategy; --config reads it from a module: give one of them');
    if (values.strategy !== undefined) throw new UsageError('--strategy picks among a module\'s strategies; --root describes the only one');
    return { strategy: strategyFromFlags(server, values), settings: {} };
  }
  if (values.config === undefined && findDefaultModule(process.cwd()) === undefined) {
    throw new UsageError(`where are the files? pass --root DIR (and --prefix for nginx), or --config FILE, or create ${DEFAULT_MODULES[0]}`);
  }
  const deployment = await loadDeployment(values.config);
  return { strategy: pickStrategy(server, strategiesOf(deployment), values.strategy), settings: deployment.server ?? {} };
}

function serverKindOf(positionals: string[]): ServerKind {
  const [server, ...rest] = positionals;
  if (server === undefined) throw new UsageError(`which server? sendoff config <${SERVER_KINDS.join('|')}>`);
  if (!SERVER_KINDS.includes(server as ServerKind)) throw new UsageError(`unknown server "${server}": use ${SERVER_KINDS.join(', ')}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  return server as ServerKind;
}

/** The deployment's offload strategy for `server` (by its `server`; by name when there are several). */
export function pickStrategy(server: ServerKind, strategies: DeliveryStrategy[], name?: string): OffloadStrategy {
  const matching = strategies.filter((strategy) => isOffloadFor(server, strategy));
  const chosen = name === undefined ? matching : matching.filter((strategy) => strategy.name === name);
  if (chosen.length === 0) {
    const known = strategies.map((strategy) => strategy.name).join(', ') || 'none';
    const named = name === undefined ? '' : ` named "${name}"`;
    throw new UsageError(`no strategy${named} for ${server} in the deployment (strategies: ${known}): add ${STRATEGY_FOR[server]}`);
  }
  if (chosen.length > 1) {
    throw new UsageError(`several strategies for ${server} (${chosen.map((s) => s.name).join(', ')}): choose one with --strategy NAME`);
  }
  return chosen[0] as OffloadStrategy;
}

function isOffloadFor(server: ServerKind, strategy: DeliveryStrategy): boolean {
  return (strategy as Partial<OffloadStrategy>).server === server && typeof (strategy as Partial<OffloadStrategy>).root === 'string';
}

/** `--max-body-bytes`, else the module's `server.maxBodyBytes` (the generator checks the value and has the default). */
function maxBodyBytesFrom(flag: string | undefined, fromModule: number | undefined): number | undefined {
  if (flag === undefined) return fromModule;
  if (!/^\d+$/.test(flag)) throw new UsageError(`--max-body-bytes: expected a whole number of bytes, got ${JSON.stringify(flag)}`);
  return Number(flag);
}

function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_./:=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function usage(): string {
  return [
    `usage: sendoff config <${SERVER_KINDS.join('|')}> [options]`,
    '',
    'The strategy comes from --root (and --prefix), or else from a deployment module.',
    '',
    '      --root DIR          the storage root the server sends files from (made absolute)',
    `      --prefix PATH       nginx: the internal location (default: ${DEFAULT_INTERNAL_PREFIX})`,
    '  -c, --config FILE       deployment module (default: sendoff.config.ts, .mts, .js or .mjs in the working directory)',
    `      --listen HOST:PORT  where the web server listens (default: module's server.listen, else ${DEFAULT_LISTEN})`,
    `      --upstream HOST:PORT the Node app (default: module's server.upstream, else ${DEFAULT_UPSTREAM})`,
    `      --runtime-dir DIR   pid file, logs, temp files (default: module's server.runtimeDir, else ./${DEFAULT_RUNTIME_DIR})`,
    '      --strategy NAME     which strategy, when the deployment module has several for this server',
    '      --user NAME         unprivileged user for the workers when the server starts as root',
    '      --group NAME        its group (default: the user name)',
    '      --keep-header NAME  nginx: re-add this app header after the handoff (repeatable)',
    `      --max-body-bytes N  largest request body passed to the app, in bytes (default: module's server.maxBodyBytes, else ${DEFAULT_MAX_BODY_BYTES})`,
    '',
  ].join('\n');
}
