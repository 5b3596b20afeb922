/**
 * Large downloads run from separate processes: a background load that keeps going while something
 * else is measured (its work never runs on the measuring process's event loop), or several
 * processes started together so the clients are not all bound to one core.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { hasExited, spawnScript, stopChild } from '@sendoff-tools/test-kit';
import type { DownloadReport } from '../lib/downloader.js';

const SCRIPT = new URL('./servers/download-load.ts', import.meta.url);
const START_TIMEOUT_MS = 30_000;

export interface BackgroundPlan {
  url: string;
  clients: number;
  expectedSize: number;
  /** The downloads end by themselves after this long (counted from their start). */
  limitMs: number;
}

/** One download process. */
export class DownloadProcess {
  readonly #child: ChildProcess;
  readonly #messages: AsyncGenerator<unknown>;
  #report: Promise<DownloadReport> | undefined;

  private constructor(child: ChildProcess, messages: AsyncGenerator<unknown>) {
    this.#child = child;
    this.#messages = messages;
  }

  /** Starts a process; resolves once it is ready. With `waitForGo`, it downloads only after `go()`. */
  static async start(plan: BackgroundPlan, options: { waitForGo?: boolean } = {}): Promise<DownloadProcess> {
    const args = [plan.url, String(plan.clients), String(plan.expectedSize), String(plan.limitMs), ...(options.waitForGo ? ['wait'] : [])];
    const child = spawnScript(SCRIPT, args);
    const messages = jsonLines(child);
    try {
      const first = await within(messages.next(), START_TIMEOUT_MS, 'no ready message from the download process');
      if (first.done || (first.value as { ready?: unknown }).ready !== true) throw new Error('the download process did not start');
    } catch (error) {
      await stopChild(child);
      throw error;
    }
    return new DownloadProcess(child, messages);
  }

  /** Starts the downloads of a process started with `waitForGo`. */
  go(): void {
    this.#child.kill('SIGUSR2');
  }

  /** Waits for the downloads to end at their time limit and returns what the clients received. */
  finished(): Promise<DownloadReport> {
    this.#report ??= this.#readReport();
    return this.#report;
  }

  /** Ends the downloads now (those cut count as unfinished); calling it again returns the same report. */
  stop(): Promise<DownloadReport> {
    if (this.#report === undefined && !hasExited(this.#child)) {
      this.#report = this.#readReport();
      this.#child.kill('SIGTERM');
    }
    return this.finished();
  }

  async #readReport(): Promise<DownloadReport> {
    const last = await this.#messages.next();
    await stopChild(this.#child);
    const report = last.done ? undefined : (last.value as { report?: DownloadReport }).report;
    if (report === undefined) throw new Error('the download process ended without a report');
    return report;
  }
}

/** Downloads from `processes` processes with `clientsEach` clients each, all started at once; their reports merged. */
export async function downloadFromProcesses(plan: Omit<BackgroundPlan, 'clients'> & { processes: number; clientsEach: number }): Promise<DownloadReport> {
  const started: DownloadProcess[] = [];
  try {
    for (let i = 0; i < plan.processes; i++) started.push(await DownloadProcess.start({ ...plan, clients: plan.clientsEach }, { waitForGo: true }));
    for (const process of started) process.go();
    return mergeReports(await Promise.all(started.map((process) => process.finished())));
  } finally {
    await Promise.all(started.map((process) => process.stop().catch(() => undefined)));
  }
}

/** Reports of clients that ran at the same time: counts and bytes added up, the longest elapsed time. */
export function mergeReports(reports: readonly DownloadReport[]): DownloadReport {
  const total = (pick: (report: DownloadReport) => number) => reports.reduce((sum, report) => sum + pick(report), 0);
  return {
    bytes: total((r) => r.bytes),
    elapsedMs: Math.max(0, ...reports.map((r) => r.elapsedMs)),
    completed: total((r) => r.completed),
    non2xx: total((r) => r.non2xx),
    mismatched: total((r) => r.mismatched),
    errors: total((r) => r.errors),
    unfinished: total((r) => r.unfinished),
  };
}

/** The JSON lines the child prints on stdout, in order; ends when its stdout closes. */
async function* jsonLines(child: ChildProcess): AsyncGenerator<unknown> {
  const lines = createInterface({ input: child.stdout! });
  try {
    for await (const line of lines) {
      if (line.trim().startsWith('{')) yield JSON.parse(line) as unknown;
    }
  } finally {
    lines.close();
  }
}

/** `promise`, or a rejection after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
