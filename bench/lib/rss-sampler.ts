/**
 * Samples the resident set size of another process from `/proc/<pid>/status` (Linux) at a fixed
 * interval, so a server's memory is measured in its own process, not the load generator's.
 */
import { readFile } from 'node:fs/promises';
import { median } from './stats.js';

export interface RssSummary {
  /** Number of successful samples. */
  samples: number;
  /** Median sample, in bytes (NaN when nothing could be read). */
  median: number;
  /** Largest sample, in bytes (NaN when nothing could be read). */
  peak: number;
}

/** Reads the current VmRSS of `pid` in bytes; undefined when /proc is unavailable or the process is gone. */
async function readRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export class RssSampler {
  readonly #pid: number;
  readonly #intervalMs: number;
  readonly #values: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #pending: Promise<void> = Promise.resolve();

  constructor(pid: number, intervalMs = 100) {
    this.#pid = pid;
    this.#intervalMs = intervalMs;
  }

  /** Starts sampling (one sample right away, then every interval). */
  start(): void {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.#intervalMs);
  }

  /** Stops sampling and summarises what was seen. */
  async stop(): Promise<RssSummary> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#pending;
    return summarise(this.#values);
  }

  /** The latest sample in bytes, if any. */
  get latest(): number | undefined {
    return this.#values.at(-1);
  }

  #sample(): void {
    this.#pending = this.#pending.then(async () => {
      const rss = await readRss(this.#pid);
      if (rss !== undefined) this.#values.push(rss);
    });
  }
}

function summarise(values: readonly number[]): RssSummary {
  if (values.length === 0) return { samples: 0, median: Number.NaN, peak: Number.NaN };
  return { samples: values.length, median: median(values), peak: Math.max(...values) };
}

/** Samples `pid` for `durationMs` while it is idle (its median is the baseline). */
export async function sampleIdle(pid: number, durationMs: number, intervalMs = 100): Promise<RssSummary> {
  const sampler = new RssSampler(pid, intervalMs);
  sampler.start();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  return sampler.stop();
}
