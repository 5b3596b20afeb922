/**
 * Entry point of the benchmarks:
 *
 *   node --conditions=sendoff-source --import tsx bench/run.ts [direct-stream] [--quick] [--write]
 *
 * Runs the named benchmarks (all when none is named), prints their Markdown report and, with
 * --write, replaces their own section of bench/RESULTS.md. --quick is a smoke run of a few seconds.
 */
import { parseArgs } from 'node:util';
import { writeSection } from './lib/results-file.js';
import { defaultSettings, quickSettings, renderDirectStream, runDirectStream } from './direct-stream/index.js';
import { SECTION_HEADING as DIRECT_STREAM_HEADING } from './direct-stream/report.js';

interface Benchmark {
  heading: string;
  /** Runs the benchmark and returns its Markdown section. */
  run(options: { quick: boolean; command: string }): Promise<string>;
}

const benchmarks: Record<string, Benchmark> = {
  'direct-stream': {
    heading: DIRECT_STREAM_HEADING,
    async run({ quick, command }) {
      const results = await runDirectStream(quick ? quickSettings : defaultSettings, log);
      return renderDirectStream(results, command);
    },
  },
};

const RESULTS_FILE = new URL('./RESULTS.md', import.meta.url);

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function commandLine(args: readonly string[]): string {
  return ['node --conditions=sendoff-source --import tsx bench/run.ts', ...args].join(' ');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { quick: { type: 'boolean', default: false }, write: { type: 'boolean', default: false } },
  });
  const names = positionals.length > 0 ? positionals : Object.keys(benchmarks);
  const unknown = names.filter((name) => !(name in benchmarks));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  for (const name of names) {
    const benchmark = benchmarks[name]!;
    const section = await benchmark.run({ quick: values.quick, command: commandLine(args) });
    process.stdout.write(`${section}\n\n`);
    if (values.write) await writeSection(RESULTS_FILE, benchmark.heading, section);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
