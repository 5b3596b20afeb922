/**
 * Migration benchmark: `sendoff migrate` (every object verified against the store's MD5 or read
 * back, journal fsync'd) against `aws s3 sync` (awscli), copying the same deterministic tree to the same
 * s3rver in the same run, each into a fresh bucket. Reports wall time, CPU time, files/s, MiB/s and the ratio.
 *
 *   node --import tsx bench/migrate.ts [--files N] [--rounds N] [--runtime bin|dist|tsx] [--quick] [--write]
 *
 * s3rver runs in a process of its own, so its CPU competes with each tool the same way and not inside
 * this one. `--runtime bin` (the default) compiles @sendoff/core, s3 and cli with tsc into a temporary
 * install (node_modules layout, as `npm install` would leave it) and runs its `sendoff` bin, as an
 * installed CLI runs; `--runtime dist` runs the compiled `main.js` with plain node (no bin, so no tsx
 * hooks); `--runtime tsx` runs the TypeScript sources through tsx.
 * --write replaces the "Migration" section of bench/RESULTS.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@sendoff/s3';
import { writeSection } from './lib/results-file.js';
import { formatNumber, formatRatio, median, ratio } from './lib/stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const AWS = '/usr/bin/aws';
/** GNU time, for the CPU time of each run (user + system, children included); optional. */
const TIME = '/usr/bin/time';
/** The workspace packages the CLI needs, compiled for `--runtime built`. */
const BUILT_PACKAGES = ['core', 's3', 'cli'];
const HEADING = 'Migration';
const KIB = 1024;
const MIB = 1024 * 1024;
/** awscli's default `s3.max_concurrent_requests`, which the benchmark leaves as it is. */
const AWS_CONCURRENCY = 10;

/** How sendoff runs: the installed package's `sendoff` bin, its compiled main.js alone, or the sources through tsx. */
type Runtime = 'bin' | 'dist' | 'tsx';
const RUNTIMES: readonly string[] = ['bin', 'dist', 'tsx'];

interface Settings {
  files: number;
  rounds: number;
  /** Files copied at once by sendoff: awscli's own default (s3.max_concurrent_requests) is 10. */
  concurrency: number;
  runtime: Runtime;
}

interface Run {
  tool: string;
  seconds: number;
  /** User + system CPU seconds of the tool's process tree; NaN without GNU time. */
  cpuSeconds: number;
  files: number;
  bytes: number;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  cpuSeconds: number;
}

/**
 * Deterministic sizes between 4 KiB and 8 MiB, skewed small as real upload trees are: 85% from
 * 4 to 256 KiB, 15% from 256 KiB to 8 MiB, log-uniform within each band (seeded xorshift).
 */
function fileSizes(count: number, seed = 42): number[] {
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

/** Runs a tool to completion, timing it (wall clock here, CPU through GNU time when present). */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv, work: string): Promise<Finished> {
  const cpuFile = join(work, 'cpu-time');
  const timed = existsSync(TIME);
  const started = process.hrtime.bigint();
  const result = await new Promise<Omit<Finished, 'cpuSeconds'>>((resolve, reject) => {
    const child = timed
      ? spawn(TIME, ['-o', cpuFile, '-f', '%U %S', command, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
  return { ...result, cpuSeconds: timed ? await cpuSecondsIn(cpuFile) : Number.NaN };
}

/** User + system seconds from GNU time's `%U %S` line (its last line, after any exit notice). */
async function cpuSecondsIn(file: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  const [user, system] = (lines.at(-1) ?? '').split(' ').map(Number);
  return (user ?? Number.NaN) + (system ?? Number.NaN);
}

/** s3rver in a child process of its own; answers its endpoint and the process to stop. */
async function startS3rver(directory: string): Promise<{ endpoint: string; server: ChildProcess }> {
  const code = [
    "import S3rver from 's3rver';",
    `const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(directory)} });`,
    'const { port } = await server.run();',
    'process.stdout.write(`${port}\\n`);',
  ].join('\n');
  const server = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    server.on('error', reject);
    server.on('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, server };
}

function stopS3rver(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill();
  });
}

/**
 * Builds the CLI and the packages it uses (`tsc -b`, as `npm run build` does) and copies each one's
 * `dist` and package.json into `install/node_modules/@sendoff/*` (so `@sendoff/core` resolves to
 * its compiled `dist` through its exports), next to links to the third-party packages; answers the
 * compiled entry point.
 */
async function buildCli(install: string): Promise<string> {
  const modules = join(install, 'node_modules');
  await mkdir(join(modules, '@sendoff'), { recursive: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-b', join(ROOT, 'packages', 'cli', 'tsconfig.build.json')], { cwd: ROOT, stdio: 'pipe' });
  for (const name of BUILT_PACKAGES) {
    const target = join(modules, '@sendoff', name);
    await cp(join(ROOT, 'packages', name, 'dist'), join(target, 'dist'), { recursive: true });
    await copyFile(join(ROOT, 'packages', name, 'package.json'), join(target, 'package.json'));
  }
  await cp(join(ROOT, 'packages', 'cli', 'bin'), join(modules, '@sendoff', 'cli', 'bin'), { recursive: true });
  for (const entry of await readdir(join(ROOT, 'node_modules'))) {
    if (entry !== '@sendoff') await symlink(await realpath(join(ROOT, 'node_modules', entry)), join(modules, entry));
  }
  return join(modules, '@sendoff', 'cli', 'dist', 'main.js');
}

/** The node arguments that run the CLI the way `runtime` says (compiling it first unless tsx). */
async function sendoffCommand(runtime: Runtime, install: string): Promise<string[]> {
  if (runtime === 'tsx') return ['--import', 'tsx', join(ROOT, 'packages', 'cli', 'src', 'main.ts')];
  log('compiling the CLI with tsc');
  const main = await buildCli(install);
  return [runtime === 'bin' ? join(dirname(main), '..', 'bin', 'sendoff.js') : main];
}

/** The awscli version line's first word (`aws-cli/1.x`). */
function awsVersion(): string {
  return execFileSync(AWS, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split(' ')[0] ?? 'aws-cli';
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
      runtime: { type: 'string', default: 'bin' },
      quick: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
    },
  });
  if (!RUNTIMES.includes(values.runtime ?? '')) throw new Error(`--runtime must be one of ${RUNTIMES.join(', ')}, got ${values.runtime}`);
  const settings: Settings = {
    files: Number(values.files ?? (values.quick ? 100 : 1000)),
    rounds: Number(values.rounds ?? (values.quick ? 1 : 3)),
    concurrency: Number(values.concurrency ?? AWS_CONCURRENCY),
    runtime: values.runtime as Runtime,
  };
  if (!existsSync(AWS)) throw new Error(`${AWS} not found: install awscli (apt-get install awscli)`);
  const work = await mkdtemp(join(tmpdir(), 'sendoff-bench-migrate-'));
  const source = join(work, 'source');
  const sizes = fileSizes(settings.files);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  log(`writing ${settings.files} files, ${(totalBytes / MIB).toFixed(1)} MiB`);
  await writeFixture(source, sizes);
  const sendoff = await sendoffCommand(settings.runtime, join(work, 'install'));
  const { endpoint, server } = await startS3rver(join(work, 's3'));
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
                [...sendoff, 'migrate', '--from', source, '--to', `s3://${bucket}`,
                  '--endpoint', endpoint, '--concurrency', String(settings.concurrency), '--journal', join(work, `${bucket}.journal`), '--json'],
                env,
                work,
              )
            : await run(AWS, ['s3', 'sync', source, `s3://${bucket}`, '--endpoint-url', endpoint, '--only-show-errors'], env, work);
        if (result.code !== 0) throw new Error(`${tool} failed (exit ${result.code}):\n${result.stderr}`);
        const landed = await countObjects(client, bucket);
        if (landed.files !== settings.files || landed.bytes !== totalBytes) {
          throw new Error(`${tool}: ${landed.files} objects / ${landed.bytes} bytes landed, expected ${settings.files} / ${totalBytes}`);
        }
        runs.push({ tool, seconds: result.seconds, cpuSeconds: result.cpuSeconds, files: landed.files, bytes: landed.bytes });
        const inner = tool === 'sendoff' ? ` (copy phase ${(JSON.parse(result.stdout) as { seconds: number }).seconds.toFixed(1)} s)` : '';
        log(`round ${round} ${tool}: ${result.seconds.toFixed(1)} s${inner}, CPU ${result.cpuSeconds.toFixed(1)} s, ${(settings.files / result.seconds).toFixed(0)} files/s`);
      }
    }
  } finally {
    client.destroy();
    await stopS3rver(server);
    await rm(work, { recursive: true, force: true });
  }
  const section = render(settings, sizes, runs, awsVersion());
  process.stdout.write(`${section}\n`);
  if (values.write) await writeSection(new URL('./RESULTS.md', import.meta.url), HEADING, section);
}

function render(settings: Settings, sizes: number[], runs: Run[], aws: string): string {
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const sorted = [...sizes].sort((a, b) => a - b);
  const medianOf = (tool: string, pick: (run: Run) => number): number => median(runs.filter((r) => r.tool === tool).map(pick));
  const row = (label: string, tool: string): string => {
    const s = medianOf(tool, (r) => r.seconds);
    const each = runs.filter((r) => r.tool === tool).map((r) => formatNumber(r.seconds, 1)).join(', ');
    return `| ${label} | ${formatNumber(s, 1)} (${each}) | ${formatNumber(medianOf(tool, (r) => r.cpuSeconds), 1)} | ${formatNumber(settings.files / s, 0)} | ${formatNumber(totalBytes / MIB / s, 1)} |`;
  };
  const how = {
    bin: 'sendoff runs as installed: its `sendoff` bin over the tsc-compiled packages (the bin registers tsx for TypeScript deployment modules)',
    dist: 'sendoff runs compiled, `node dist/main.js` (tsc output) without the bin',
    tsx: 'sendoff runs from its TypeScript sources through tsx',
  }[settings.runtime];
  return [
    `## ${HEADING}`,
    '',
    `Local tree → s3rver 3.7.1 on 127.0.0.1 (a process of its own), same files and server, each run into a fresh bucket;`,
    `${settings.files} files, ${(totalBytes / MIB).toFixed(1)} MiB (sizes 4 KiB – 8 MiB, deterministic, skewed small: 85% under 256 KiB;`,
    `median ${formatNumber(sorted[Math.floor(sorted.length / 2)]! / KIB, 0)} KiB), sendoff \`--concurrency ${settings.concurrency}\`, awscli its default ${AWS_CONCURRENCY} requests,`,
    `median of ${settings.rounds} round(s), order alternated; ${cpus().length} CPUs (1-minute load average ${loadavg()[0]?.toFixed(1)} at the end), Node ${process.versions.node}.`,
    `Wall time includes process start; ${how}. CPU = user + system seconds of the tool's process (GNU time).`,
    '',
    '| tool | seconds (each round) | CPU s | files/s | MiB/s |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('sendoff migrate (verified: store MD5 ETag or read-back; fsync\'d journal)', 'sendoff'),
    row(`aws s3 sync (${aws}, Content-MD5, no read-back)`, 'aws'),
    '',
    `Ratio sendoff / aws (files/s): **${formatRatio(ratio(medianOf('aws', (r) => r.seconds), medianOf('sendoff', (r) => r.seconds)))}** (target ≥ 1.0x).`,
    '',
    `Command: \`node --import tsx bench/migrate.ts --runtime ${settings.runtime} --write\`.`,
    '`sendoff migrate` checks each upload against the store\'s MD5 ETag (reading back when there is none) and',
    'fsyncs its journal (group commit); `aws s3 sync` sends Content-MD5. Both upload files above 8 MiB in parts.',
  ].join('\n');
}

function log(message: string): void {
  process.stderr.write(`[bench:migrate] ${message}\n`);
}

await main();
