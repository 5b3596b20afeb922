/**
 * `sendoff doctor <public-url> [--probe-path PATH] [--internal-prefix PREFIX] [--json]`: checks a
 * running deployment end to end; exit 0 when every check passes, 1 otherwise, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { PROBE_PATH } from '@sendoff/core';
import { DEFAULT_INTERNAL_PREFIX, runDoctor, type DoctorReport } from '@sendoff/core/servers';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIo } from '../io.js';

const OPTIONS = {
  'probe-path': { type: 'string' },
  'internal-prefix': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const doctorCommand: Command = {
  summary: 'check a running deployment through its public URL',
  run: runDoctorCommand,
};

async function runDoctorCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    io.out(usage());
    return 0;
  }
  const report = await runDoctor({
    url: publicUrlOf(positionals),
    probePath: pathOption(values['probe-path'], '--probe-path'),
    internalPrefix: pathOption(values['internal-prefix'], '--internal-prefix'),
    timeoutMs: timeoutOf(values.timeout),
  });
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

/** The report as text: one line per check. */
export function renderReport(report: DoctorReport): string {
  const lines = [`sendoff doctor ${report.url}${report.server === '' ? '' : ` (server: ${report.server})`}`];
  for (const check of report.checks) lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`);
  const failed = report.checks.filter((check) => !check.ok).length;
  lines.push(failed === 0 ? `all ${report.checks.length} checks passed` : `${failed} of ${report.checks.length} checks failed`);
  return `${lines.join('\n')}\n`;
}

function publicUrlOf(positionals: string[]): string {
  const [url, ...rest] = positionals;
  if (url === undefined) throw new UsageError('which deployment? sendoff doctor <public-url>');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`not an http(s) URL: ${JSON.stringify(url)}`);
  return parsed.href;
}

function pathOption(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (!value.startsWith('/') || /[\s?#]/.test(value)) throw new UsageError(`${what} must be a path starting with "/", got ${JSON.stringify(value)}`);
  return value;
}

function timeoutOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got ${JSON.stringify(value)}`);
  return seconds * 1000;
}

function usage(): string {
  return [
    'usage: sendoff doctor <public-url> [options]',
    '',
    `      --probe-path PATH        the app's probe route (default ${PROBE_PATH})`,
    `      --internal-prefix PATH   the web server's internal location, must not be reachable (default ${DEFAULT_INTERNAL_PREFIX})`,
    '      --timeout SECONDS        per request (default 10)',
    '      --json                   machine-readable report',
    '',
    'exit status: 0 every check passed, 1 a check failed, 2 usage error',
    '',
  ].join('\n');
}
