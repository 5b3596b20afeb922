/**
 * Entry point of the benchmarks:
 *
 *   node --import tsx bench/run.ts [direct-stream] [adapters] [offload] [offload-publish] [s3-profile] [--quick] [--write] [--baseline <commit>]
 *
 * Runs the named benchmarks (all when none is named), prints their Markdown report and, with
 * --write, replaces their own section of bench/RESULTS.md (and writes the charts they draw under
 * docs/img/). --quick is a smoke run of a few seconds. --baseline names the commit whose core
 * offload-publish compares with (default main).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSection } from './lib/results-file.js';
import { repoRoot } from '@sendoff-tools/test-kit';
import { defaultSettings, quickSettings, renderDirectStream, runDirectStream } from './direct-stream/index.js';
import { SECTION_HEADING as DIRECT_STREAM_HEADING } from './direct-stream/report.js';
import { runAdapters } from './direct-stream/adapters.js';
import { SECTION_HEADING as ADAPTERS_HEADING, renderAdapters } from './direct-stream/adapters-report.js';
import { defaultSettings as offloadDefaults, quickSettings as offloadQuick, runOffload } from './offload/index.js';
import { CHART_PATH as OFFLOAD_CHART, SECTION_HEADING as OFFLOAD_HEADING, renderLatencyChart, renderOffload } from './offload/report.js';
import { defaultSettings as s3ProfileDefaults, quickSettings as s3ProfileQuick, runS3Profile } from './s3-profile/index.js';
import { SECTION_HEADING as S3_PROFILE_HEADING, renderS3Profile } from './s3-profile/report.js';
import { defaultPublishSettings, quickPublishSettings, runPublishCost } from './offload/publish-cost.js';
import { PUBLISH_HEADING, renderPublishCost } from './offload/publish-report.js';

interface Benchmark {
  heading: string;
  /** Runs the benchmark and returns its Markdown section (with `write`, also writes its other files). */
  run(options: { quick: boolean; command: string; write: boolean; baseline: string | undefined }): Promise<string>;
}

const benchmarks: Record<string, Benchmark> = {
  'direct-stream': {
    heading: DIRECT_STREAM_HEADING,
    async run({ quick, command }) {
      const results = await runDirectStream(quick ? quickSettings : defaultSettings, log);
      return renderDirectStream(results, command);
    },
  },
  adapters: {
    heading: ADAPTERS_HEADING,
    async run({ quick, command }) {
      return renderAdapters(await runAdapters(quick ? quickSettings : defaultSettings, log), command);
    },
  },
  offload: {
    heading: OFFLOAD_HEADING,
    async run({ quick, command, write }) {
      const results = await runOffload(quick ? offloadQuick : offloadDefaults, log);
      if (write) await writeRepoFile(OFFLOAD_CHART, renderLatencyChart(results));
      return renderOffload(results, command);
    },
  },
  'offload-publish': {
    heading: PUBLISH_HEADING,
    async run({ quick, command, baseline }) {
      const settings = quick ? quickPublishSettings : defaultPublishSettings;
      return renderPublishCost(await runPublishCost({ ...settings, ...(baseline === undefined ? {} : { baseline }) }, log), command);
    },
  },
  's3-profile': {
    heading: S3_PROFILE_HEADING,
    async run({ quick, command }) {
      return renderS3Profile(await runS3Profile(quick ? s3ProfileQuick : s3ProfileDefaults, log), command);
    },
  },
};

/** Writes `text` to a path relative to the repository root, creating its directory. */
async function writeRepoFile(path: string, text: string): Promise<void> {
  const file = join(repoRoot, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  log(`wrote ${path}`);
}

const RESULTS_FILE = new URL('./RESULTS.md', import.meta.url);

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function commandLine(args: readonly string[]): string {
  return ['node --import tsx bench/run.ts', ...args].join(' ');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { quick: { type: 'boolean', default: false }, write: { type: 'boolean', default: false }, baseline: { type: 'string' } },
  });
  const names = positionals.length > 0 ? positionals : Object.keys(benchmarks);
  const unknown = names.filter((name) => !(name in benchmarks));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  for (const name of names) {
    const benchmark = benchmarks[name]!;
    const section = await benchmark.run({ quick: values.quick, command: commandLine(args), write: values.write, baseline: values.baseline });
    process.stdout.write(`${section}\n\n`);
    if (values.write) await writeSection(RESULTS_FILE, benchmark.heading, section);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
