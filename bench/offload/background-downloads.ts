/**
 * Keeps many large downloads going from a separate process while something else is measured, so
 * the load generator's own work never runs on the measuring process's event loop.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { hasExited, spawnScript, stopChild } from '../lib/child-server.js';
import type { DownloadReport } from '../lib/downloader.js';

const SCRIPT = new URL('./servers/download-load.ts', import.meta.url);
const START_TIMEOUT_MS = 30_000;

export interface BackgroundPlan {
  url: string;
  clients: number;
  expectedSize: number;
  /** Safety limit: the downloads end by themselves after this long. */
  limitMs: number;
}

export interface BackgroundDownloads {
  /**
   * Ends the downloads and returns what the clients received (downloads cut count as unfinished).
   * Calling it again returns the same report.
   */
  stop(): Promise<DownloadReport>;
}

/** Starts the downloads; resolves once the clients are running. */
export async function startBackgroundDownloads(plan: BackgroundPlan): Promise<BackgroundDownloads> {
  const child = spawnScript(SCRIPT, [plan.url, String(plan.clients), String(plan.expectedSize), String(plan.limitMs)]);
  const messages = jsonLines(child);
  try {
    const first = await within(messages.next(), START_TIMEOUT_MS, 'no start message from the download process');
    if (first.done || (first.value as { started?: unknown }).started !== true) throw new Error('the download process did not start');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const end = async (): Promise<DownloadReport> => {
    const ended = messages.next();
    if (!hasExited(child)) child.kill('SIGTERM');
    const last = await ended;
    await stopChild(child);
    const report = last.done ? undefined : (last.value as { report?: DownloadReport }).report;
    if (report === undefined) throw new Error('the download process ended without a report');
    return report;
  };
  let stopped: Promise<DownloadReport> | undefined;
  return { stop: () => (stopped ??= end()) };
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
