/**
 * `sendoff <command> ...`: dispatches to the subcommands. Exit codes: 0 success, 1 a check or
 * operation failed, 2 a usage or configuration error.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isSendoffError } from '@sendoff/core';
import { EXIT_FAILED, EXIT_USAGE, UsageError, processIo, type Command, type CommandIo } from './io.js';

/** A subcommand, loaded only when it runs (so `config` never loads the S3 SDK `migrate` needs). */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/** The subcommands; each one parses its own arguments. */
export const COMMANDS: Record<string, CommandEntry> = {
  config: {
    summary: 'print the nginx / apache / lighttpd / caddy config for a deployment',
    load: async () => (await import('./commands/config.js')).configCommand,
  },
  doctor: {
    summary: 'check a running deployment through its public URL',
    load: async () => (await import('./commands/doctor.js')).doctorCommand,
  },
  migrate: {
    summary: 'copy a local storage root to S3, verified and resumable',
    load: async () => (await import('./commands/migrate/index.js')).migrateCommand,
  },
};

/** Runs the CLI with `argv` (without `node` and the script) and answers the exit code. */
export async function run(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(usage());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    io.err(`sendoff: unknown command "${name}" (known: ${Object.keys(COMMANDS).join(', ')})\n`);
    return EXIT_USAGE;
  }
  try {
    const command = await entry.load();
    return await command.run(args, io);
  } catch (error) {
    return reportError(name, error, io);
  }
}

function reportError(name: string, error: unknown, io: CommandIo): number {
  io.err(`sendoff ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  return isUsageError(error) ? EXIT_USAGE : EXIT_FAILED;
}

/**
 * Usage errors: ours, a configuration sendoff refuses, and the ones node:util parseArgs throws
 * for unknown or malformed options.
 */
function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  if (isSendoffError(error) && error.code === 'CONFIG_INVALID') return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(8)} ${entry.summary}`);
  return `usage: sendoff <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// No top-level await, so that CommonJS can require() the package (Node does not for such modules).
if (isEntryPoint()) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
