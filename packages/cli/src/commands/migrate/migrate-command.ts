/**
 * `sendoff migrate --from <dir> --to s3://bucket/prefix`: copies a local storage root to S3,
 * verifying every object, resumable through a journal. Exit codes: 0 everything copied (or already
 * there), 1 some files failed (the others were copied), 2 bad input or a store that refuses us.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Command, type CommandIo } from '../../io.js';
import { formatReport } from './format-report.js';
import { openS3Target } from './open-s3-target.js';
import { formatS3Url, parseS3Url } from './parse-s3-url.js';
import { ProgressBar } from './progress-bar.js';
import { runMigration, type MigrationReport } from './run-migration.js';

export const JOURNAL_NAME = '.sendoff-migrate.journal';
const MAX_CONCURRENCY = 256;

const USAGE = `usage: sendoff migrate --from <dir> --to s3://bucket/prefix [options]

  --from <dir>          local storage root to copy
  --to s3://bucket/p    destination bucket and key prefix
  --endpoint <url>      S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3, then
                        AWS_ENDPOINT_URL, else AWS)
  --region <region>     region (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)
  --concurrency <n>     files copied at once (default 4)
  --journal <path>      journal of verified copies (default <from>/${JOURNAL_NAME})
  --read-back           read every copy back and hash it, even when the store's ETag proves it
  --verify              also read back objects the journal lists; copy again those that differ
  --dry-run             list what would be copied, write nothing
  --delete-source       delete each local file once its copy is verified
  --json                print a machine-readable report instead of text

credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) or any AWS profile.
`;

export interface MigrateArguments {
  from: string;
  to: string;
  endpoint?: string;
  region?: string;
  concurrency: number;
  journal: string;
  verify: boolean;
  readBack: boolean;
  dryRun: boolean;
  deleteSource: boolean;
  json: boolean;
}

export const migrateCommand: Command = {
  summary: 'copy a local storage root to S3, verified and resumable',
  run: runMigrate,
};

async function runMigrate(argv: string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return EXIT_OK;
  }
  const args = parseMigrateArguments(argv);
  await checkSourceRoot(args.from);
  const url = parseS3Url(args.to);
  const target = await openS3Target({ url, ...optional('endpoint', args.endpoint), ...optional('region', args.region) });
  const progress = !args.json && !args.dryRun && process.stdout.isTTY ? new ProgressBar(process.stdout) : undefined;
  let report: MigrationReport;
  try {
    report = await runMigration({
      from: args.from,
      target: target.uploads,
      targetName: formatS3Url(url),
      journalPath: args.journal,
      concurrency: args.concurrency,
      dryRun: args.dryRun,
      deleteSource: args.deleteSource,
      verifyExisting: args.verify,
      readBack: args.readBack,
      ...(progress === undefined ? {} : { progress }),
    });
  } finally {
    target.close();
  }
  printReport(report, args.json, io);
  if (report.aborted !== undefined) return EXIT_USAGE;
  return report.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

/** Parses and checks the options; throws a UsageError (exit 2) for anything malformed. */
export function parseMigrateArguments(argv: string[]): MigrateArguments {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      concurrency: { type: 'string' },
      journal: { type: 'string' },
      verify: { type: 'boolean', default: false },
      'read-back': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'delete-source': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}\n${USAGE}`);
  if (values.from === undefined || values.from === '') throw new UsageError(`--from is required\n${USAGE}`);
  if (values.to === undefined || values.to === '') throw new UsageError(`--to is required\n${USAGE}`);
  if (values['dry-run'] && values['delete-source']) throw new UsageError('--dry-run and --delete-source cannot be combined');
  const from = resolve(values.from);
  return {
    from,
    to: values.to,
    ...optional('endpoint', values.endpoint),
    ...optional('region', values.region),
    concurrency: parseConcurrency(values.concurrency),
    journal: resolve(values.journal ?? join(from, JOURNAL_NAME)),
    verify: values.verify === true,
    readBack: values['read-back'] === true,
    dryRun: values['dry-run'] === true,
    deleteSource: values['delete-source'] === true,
    json: values.json === true,
  };
}

function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return 4;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(value)}`);
  }
  return n;
}

async function checkSourceRoot(from: string): Promise<void> {
  const info = await stat(from).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UsageError(`--from ${from} does not exist`);
    throw new UsageError(`--from ${from} cannot be read: ${error.code ?? error.message}`);
  });
  if (!info.isDirectory()) throw new UsageError(`--from ${from} is not a directory`);
}

function printReport(report: MigrationReport, json: boolean, io: CommandIo): void {
  if (json) {
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    if (report.aborted !== undefined) io.err(`sendoff migrate: stopped: ${report.aborted}\n`);
    return;
  }
  const text = formatReport(report);
  if (text.err !== '') io.err(text.err);
  io.out(text.out);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
