/**
 * The three measurements of the direct-stream benchmark. Rate and throughput runs go round-robin
 * over already running servers (a, b, c, b, c, a, c, a, b, ...) so that noise on a shared machine
 * spreads over every contender and no one always runs first; the memory run starts each server
 * afresh so baselines are comparable.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { startChildServer, type ChildServer } from '@sendoff-tools/test-kit';
import { runDownloads, type DownloadReport } from '../lib/downloader.js';
import { measureRequestRate, type RateReport } from '../lib/request-rate.js';
import { RssSampler, sampleIdle } from '../lib/rss-sampler.js';
import { rotate } from '../lib/stats.js';
import type { SupervisedServer } from '../lib/supervised-server.js';
import type { Contender } from './contenders.js';
import { SMALL_SIZE, type Fixtures } from './fixtures.js';
import type { DirectStreamSettings } from './settings.js';
import { verifyServer } from './verify.js';

export interface MemoryReport {
  baseline: number;
  peak: number;
  samples: number;
  download: DownloadReport;
  /** The run was stopped because the server's RSS passed the limit. */
  overLimit: boolean;
  /** The server process died during the run. */
  crashed: boolean;
}

type Progress = (message: string) => void;

/** Requests per second for the 4 KiB files, one entry per round, by server name. */
export async function measureSmallFiles(
  servers: readonly SupervisedServer[],
  fixtures: Fixtures,
  settings: DirectStreamSettings,
  progress: Progress,
): Promise<Map<string, RateReport[]>> {
  return interleave(servers, fixtures, settings.rounds, progress, 'small files', (server) =>
    measureRequestRate({
      origin: server.origin,
      paths: fixtures.smallPaths,
      connections: settings.smallConnections,
      durationSeconds: settings.smallSeconds,
      expectedLength: SMALL_SIZE,
    }),
  );
}

/** Download throughput of the large file, one entry per round, by server name. */
export async function measureLargeFile(
  servers: readonly SupervisedServer[],
  fixtures: Fixtures,
  settings: DirectStreamSettings,
  progress: Progress,
): Promise<Map<string, DownloadReport[]>> {
  return interleave(servers, fixtures, settings.rounds, progress, 'large file', (server) =>
    runDownloads({
      url: server.origin + fixtures.largePath,
      clients: settings.largeConnections,
      perClient: Number.POSITIVE_INFINITY,
      durationMs: settings.largeSeconds * 1000,
      expectedSize: fixtures.largeSize,
    }),
  );
}

async function interleave<T>(
  servers: readonly SupervisedServer[],
  fixtures: Fixtures,
  rounds: number,
  progress: Progress,
  label: string,
  measure: (server: ChildServer) => Promise<T>,
): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(servers.map((server) => [server.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const server of rotate(servers, round - 1)) {
      await restartIfCrashed(server, fixtures, progress);
      progress(`${label}: round ${round}/${rounds}, ${server.name}`);
      results.get(server.name)!.push(await measure(server.current));
    }
  }
  return results;
}

async function restartIfCrashed(server: SupervisedServer, fixtures: Fixtures, progress: Progress): Promise<void> {
  if (!(await server.ensureRunning())) return;
  progress(`${server.name} had crashed (${server.crashes} so far): restarted`);
  await verifyServer(server.current, fixtures);
}

/** RSS of a fresh server process while many clients download the large file at once. */
export async function measureMemory(
  contender: Contender,
  fixtures: Fixtures,
  settings: DirectStreamSettings,
  progress: Progress,
): Promise<MemoryReport> {
  progress(`memory: ${settings.rssClients} clients, ${contender.name}`);
  const server = await startChildServer({ name: contender.name, script: contender.script, args: [fixtures.root] });
  try {
    await verifyServer(server, fixtures);
    return await downloadWhileSampling(server, fixtures, settings);
  } finally {
    await server.stop();
  }
}

async function downloadWhileSampling(server: ChildServer, fixtures: Fixtures, settings: DirectStreamSettings): Promise<MemoryReport> {
  const idle = await sampleIdle(server.pid, settings.rssIdleMs);
  const sampler = new RssSampler(server.pid);
  const stop = new AbortController();
  const guard = setInterval(() => {
    if ((sampler.latest ?? 0) - idle.median > settings.rssLimitBytes) stop.abort();
  }, 100);
  sampler.start();
  const download = await runDownloads({
    url: server.origin + fixtures.largePath,
    clients: settings.rssClients,
    perClient: settings.rssPerClient,
    durationMs: settings.rssSeconds * 1000,
    expectedSize: fixtures.largeSize,
    signal: stop.signal,
  });
  clearInterval(guard);
  const busy = await sampler.stop();
  await delay(300);
  return {
    baseline: idle.median,
    peak: busy.peak,
    samples: busy.samples,
    download,
    overLimit: stop.signal.aborted,
    crashed: server.exited,
  };
}
