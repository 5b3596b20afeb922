/** The opening lines every section of bench/RESULTS.md starts with: when, how, on what machine. */
import { cpus, release, totalmem, type as osType } from 'node:os';
import { formatMiB } from './stats.js';

export interface RunTiming {
  startedAt: Date;
  durationMs: number;
  /** The 1-minute load average at the start and the end of the run, where it was taken. */
  loadAverage?: { start: number; end: number };
}

/**
 * When the run started and how long it took, the command that ran it, the machine (with any
 * other `software` the run used, such as the nginx version) and how noisy the machine was.
 */
export function runContext(run: RunTiming, command: string, software: readonly string[] = []): string[] {
  const cores = cpus();
  const versions = [`Node ${process.version}`, ...software].join(', ');
  return [
    `Run ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${(run.durationMs / 60_000).toFixed(1)} min, with:`,
    '',
    '```sh',
    command,
    '```',
    '',
    `Machine: ${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${formatMiB(totalmem())} RAM, ${osType()} ${release()}, ${versions}.`,
    ...noise(run, cores.length),
  ];
}

function noise(run: RunTiming, cores: number): string[] {
  if (run.loadAverage === undefined) {
    return [
      'The machine is shared and was running other test suites at the same time: absolute figures are noisy;',
      'the ratios of this one interleaved run are what counts.',
    ];
  }
  return [
    `The machine is shared and noisy (1-minute load average ${run.loadAverage.start.toFixed(1)} at the start, ${run.loadAverage.end.toFixed(1)} at the end,`,
    `on ${cores} cores): absolute figures move from run to run; the ratios of this one interleaved run are what counts.`,
  ];
}
