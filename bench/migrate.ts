/**
 * Migration benchmark: `sendoff migrate` (every object verified against the store's MD5 or read
 * back, journal fsync'd) against `aws s3 sync` (awscli), copying the same deterministic tree to the same
 * s3rver in the same run, each into a fresh bucket. Reports files/s, MiB/s and the ratio.
 *
 *   node --conditions=sendoff-source --import tsx bench/migrate.ts [--files N] [--rounds N] [--quick] [--write]
 *
 * --write replaces the "Migration" section of bench/RESULTS.md.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@sendoff/s3';
import S3rver from 's3rver';
import { writeSection } from './lib/results-file.js';
import { formatNumber, formatRatio, median, ratio } from './lib/stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const AWS = '/usr/bin/aws';
const HEADING = 'Migration';
const KIB = 1024;
const MIB = 1024 * 1024;
/** awscli's default `s3.max_concurrent_requests`, which the benchmark leaves as it is. */
const AWS_CONCURRENCY = 10;

interface Settings {
  files: number;
  rounds: number;
  /** Files copied at once by sendoff: awscli's own default (s3.max_concurrent_requests) is 10. */
  concurrency: number;
}

interface Run {
  tool: string;
  seconds: number;
  files: number;
  bytes: number;
}

/**
 * Deterministic sizes between 4 KiB and 8 MiB, skewed small as real upload trees are: 85% from
 * 4 to 256 KiB, 15% from 256 KiB to 8 MiB, log-uniform within each band (seeded xorshift).
 */
export function fileSizes(count: number, seed = 42): number[] {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const logUniform = (low: number, high: number): number => Math.round(Math.exp(Math.log(low) + next() * (Math.log(high) - Math.log(low))));
  return Array.from({ length: count }, () => (next() < 0.85 ? logUniform(4 * KIB, 256 * KIB) : logUniform(256 * KIB, 8 * MIB)));
}

async function writeFixture(root: string, sizes: number[]): Promise<void> {
  const block = Buffer.alloc(8 * MIB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (const [index, size] of sizes.entries()) {
    const dir = join(root, `d${String(index % 20).padStart(2, '0')}`);
    await mkdir(dir, { recursive: true });
    const content = Buffer.from(block.subarray(0, size));
    content.writeUInt32LE(index, 0); // every file distinct
    await writeFile(join(dir, `file-${String(index).padStart(4, '0')}.bin`), content);
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

async function countObjects(client: S3Client, bucket: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      files++;
      bytes += object.Size ?? 0;
    }
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return { files, bytes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string' },
      rounds: { type: 'string' },
      concurrency: { type: 'string' },
      quick: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
    },
  });
  const settings: Settings = {
    files: Number(values.files ?? (values.quick ? 100 : 1000)),
    rounds: Number(values.rounds ?? (values.quick ? 1 : 2)),
    concurrency: Number(values.concurrency ?? AWS_CONCURRENCY),
  };
  if (!existsSync(AWS)) throw new Error(`${AWS} not found: install awscli (apt-get install awscli)`);
  const work = await mkdtemp(join(tmpdir(), 'sendoff-bench-migrate-'));
  const source = join(work, 'source');
  const sizes = fileSizes(settings.files);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  log(`writing ${settings.files} files, ${(totalBytes / MIB).toFixed(1)} MiB`);
  await writeFixture(source, sizes);
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(work, 's3') });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createS3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    NODE_NO_WARNINGS: '1',
  };
  const runs: Run[] = [];
  try {
    for (let round = 1; round <= settings.rounds; round++) {
      // Alternate the order so neither tool always runs on a warmer server.
      const order = round % 2 === 1 ? ['sendoff', 'aws'] : ['aws', 'sendoff'];
      for (const tool of order) {
        const bucket = `bench-${tool}-${round}`;
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        const result =
          tool === 'sendoff'
            ? await run(
                process.execPath,
                ['--conditions=sendoff-source', '--import', 'tsx', 'packages/cli/src/main.ts', 'migrate', '--from', source, '--to', `s3://${bucket}`,
                  '--endpoint', endpoint, '--concurrency', String(settings.concurrency), '--journal', join(work, `${bucket}.journal`), '--json'],
                env,
              )
            : await run(AWS, ['s3', 'sync', source, `s3://${bucket}`, '--endpoint-url', endpoint, '--only-show-errors'], env);
        if (result.code !== 0) throw new Error(`${tool} failed (exit ${result.code}):\n${result.stderr}`);
        const landed = await countObjects(client, bucket);
        if (landed.files !== settings.files || landed.bytes !== totalBytes) {
          throw new Error(`${tool}: ${landed.files} objects / ${landed.bytes} bytes landed, expected ${settings.files} / ${totalBytes}`);
        }
        runs.push({ tool, seconds: result.seconds, files: landed.files, bytes: landed.bytes });
        const inner = tool === 'sendoff' ? ` (copy phase ${(JSON.parse(result.stdout) as { seconds: number }).seconds.toFixed(1)} s)` : '';
        log(`round ${round} ${tool}: ${result.seconds.toFixed(1)} s${inner}, ${(settings.files / result.seconds).toFixed(0)} files/s`);
      }
    }
  } finally {
    client.destroy();
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
  const section = render(settings, sizes, runs);
  process.stdout.write(`${section}\n`);
  if (values.write) await writeSection(new URL('./RESULTS.md', import.meta.url), HEADING, section);
}

function render(settings: Settings, sizes: number[], runs: Run[]): string {
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const sorted = [...sizes].sort((a, b) => a - b);
  const seconds = (tool: string): number => median(runs.filter((r) => r.tool === tool).map((r) => r.seconds));
  const sendoff = seconds('sendoff');
  const aws = seconds('aws');
  const row = (tool: string, s: number): string =>
    `| ${tool} | ${formatNumber(s, 1)} | ${formatNumber(settings.files / s, 0)} | ${formatNumber(totalBytes / MIB / s, 1)} |`;
  return [
    `## ${HEADING}`,
    '',
    `Local tree → s3rver 3.7.1 on 127.0.0.1, same files and server, each run into a fresh bucket;`,
    `${settings.files} files, ${(totalBytes / MIB).toFixed(1)} MiB (sizes 4 KiB – 8 MiB, deterministic, skewed small: 85% under 256 KiB;`,
    `median ${formatNumber(sorted[Math.floor(sorted.length / 2)]! / KIB, 0)} KiB), sendoff \`--concurrency ${settings.concurrency}\`, awscli its default ${AWS_CONCURRENCY} requests,`,
    `median of ${settings.rounds} round(s), order alternated; ${cpus().length} CPUs (1-minute load average ${loadavg()[0]?.toFixed(1)} at the end), Node ${process.versions.node}.`,
    'Wall time includes process start (sendoff runs from TypeScript sources through tsx).',
    '',
    '| tool | seconds | files/s | MiB/s |',
    '| --- | ---: | ---: | ---: |',
    row('sendoff migrate (verified: store MD5 ETag or read-back; fsync\'d journal)', sendoff),
    row('aws s3 sync (awscli 2.9, no read-back)', aws),
    '',
    `Ratio sendoff / aws (files/s): **${formatRatio(ratio(aws, sendoff))}** (target ≥ 1.0x).`,
    '',
    'Command: `node --conditions=sendoff-source --import tsx bench/migrate.ts --write`.',
    '`sendoff migrate` checks each upload against the store\'s MD5 ETag (reading back when there is none) and',
    'fsyncs its journal (group commit); `aws s3 sync` sends Content-MD5. Both upload files above 8 MiB in parts.',
  ].join('\n');
}

function log(message: string): void {
  process.stderr.write(`[bench:migrate] ${message}\n`);
}

await main();
