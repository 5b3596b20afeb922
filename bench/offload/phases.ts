/**
 * The three measurements of the offload benchmark. Each goes round-robin over its contenders,
 * starting a different one each round, so that noise on a shared machine spreads over all of them.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { DownloadReport } from '../lib/downloader.js';
import { measureRequestRate, type RateReport } from '../lib/request-rate.js';
import { withCpuTime } from '../lib/cpu-time.js';
import { rotate } from '../lib/stats.js';
import { DownloadProcess, downloadFromProcesses } from './background-downloads.js';
import type { OffloadFixtures } from './fixtures.js';
import { measureLatency, type LatencyReport } from './latency.js';
import { ROUTES, STATIC_PREFIX, pathOf } from './routes.js';
import type { OffloadSettings } from './settings.js';
import { isStatusBody, type Origins } from './verify.js';

export type Progress = (message: string) => void;

/** Called before every measurement; throws when a process under test has died. */
export type Guard = () => void;

export interface Contender<T> {
  name: string;
  measure(): Promise<T>;
}

/** One result per round for each contender, by name. */
export type RoundResults<T> = Map<string, T[]>;

export const THROUGHPUT = { accel: 'nginx X-Accel', static: 'nginx static' } as const;
export const APP_COST = { accel: 'X-Accel route', accelCached: 'X-Accel route (cache)', resolve: 'resolve only', bare: 'bare route' } as const;
export const LATENCY = { idle: 'idle', accel: 'nginx X-Accel', direct: 'direct stream' } as const;

/**
 * Phase 1: MB/s of the large file through X-Accel and from the static location of the same nginx.
 * Each client runs in its own process (one Node process reading several large bodies at once
 * saturates its core long before nginx does), all started together.
 */
export function measureThroughput(origins: Origins, fixtures: OffloadFixtures, settings: OffloadSettings, run: RunContext): Promise<RoundResults<DownloadReport>> {
  const download = (url: string) => () =>
    downloadFromProcesses({
      url,
      processes: settings.throughputClients,
      clientsEach: 1,
      limitMs: settings.throughputSeconds * 1000,
      expectedSize: fixtures.largeSize,
    });
  return interleave('throughput', settings.throughputRounds, run, [
    { name: THROUGHPUT.accel, measure: download(origins.nginx + pathOf(ROUTES.accel, fixtures.largeKey)) },
    { name: THROUGHPUT.static, measure: download(origins.nginx + pathOf(STATIC_PREFIX, fixtures.largeKey)) },
  ]);
}

export interface AppCostRound {
  rate: RateReport;
  /** CPU seconds the app process used during the round (all its threads). */
  cpuSeconds: number;
}

/** App CPU time per answered request, in microseconds. */
export function cpuMicrosPerRequest(round: AppCostRound): number {
  return round.rate.total > 0 ? (round.cpuSeconds * 1e6) / round.rate.total : Number.NaN;
}

/**
 * Phase 2: the app alone, its X-Accel download route vs a bare route with a fixed header: req/s,
 * and the app's CPU time per request (which other load on the machine barely moves). A third route
 * does only the download's file-system part, to split the difference.
 */
export function measureAppCost(
  origins: Origins,
  appPid: number,
  fixtures: OffloadFixtures,
  settings: OffloadSettings,
  run: RunContext,
): Promise<RoundResults<AppCostRound>> {
  const rate = (path: string) => async (): Promise<AppCostRound> => {
    const { result, cpuSeconds } = await withCpuTime(appPid, () =>
      measureRequestRate({ origin: origins.app, paths: [path], connections: settings.costConnections, durationSeconds: settings.costSeconds, expectedLength: 0 }),
    );
    return { rate: result, cpuSeconds };
  };
  return interleave('app cost', settings.costRounds, run, [
    { name: APP_COST.accel, measure: rate(pathOf(ROUTES.accel, fixtures.largeKey)) },
    { name: APP_COST.accelCached, measure: rate(pathOf(ROUTES.accelCached, fixtures.largeKey)) },
    { name: APP_COST.resolve, measure: rate(pathOf(ROUTES.resolve, fixtures.largeKey)) },
    { name: APP_COST.bare, measure: rate(ROUTES.bare) },
  ]);
}

export interface LatencyRound {
  latency: LatencyReport;
  /** What the background clients received meanwhile (none when idle). */
  downloads?: DownloadReport;
}

/** Phase 3: latency of the app's JSON route, idle and while many clients download through each path. */
export function measureLatencyUnderLoad(origins: Origins, fixtures: OffloadFixtures, settings: OffloadSettings, run: RunContext): Promise<RoundResults<LatencyRound>> {
  const scenario = (downloadUrl: string | undefined) => () => latencyRound(origins.app + ROUTES.status, downloadUrl, fixtures, settings);
  return interleave('latency', settings.latencyRounds, run, [
    { name: LATENCY.idle, measure: scenario(undefined) },
    { name: LATENCY.accel, measure: scenario(origins.nginx + pathOf(ROUTES.accel, fixtures.largeKey)) },
    { name: LATENCY.direct, measure: scenario(origins.app + pathOf(ROUTES.direct, fixtures.largeKey)) },
  ]);
}

async function latencyRound(statusUrl: string, downloadUrl: string | undefined, fixtures: OffloadFixtures, settings: OffloadSettings): Promise<LatencyRound> {
  const measure = () =>
    measureLatency({
      url: statusUrl,
      connections: settings.latencyConnections,
      rate: settings.latencyRate,
      durationSeconds: settings.latencySeconds,
      verifyBody: isStatusBody,
    });
  const background =
    downloadUrl === undefined
      ? undefined
      : await DownloadProcess.start({
          url: downloadUrl,
          clients: settings.latencyDownloaders,
          expectedSize: fixtures.largeSize,
          limitMs: settings.latencyWarmupMs + settings.latencySeconds * 1000 + 30_000,
        });
  try {
    await delay(settings.latencyWarmupMs);
    const latency = await measure();
    return background === undefined ? { latency } : { latency, downloads: await background.stop() };
  } finally {
    await background?.stop().catch(() => undefined);
  }
}

export interface RunContext {
  progress: Progress;
  guard: Guard;
}

export async function interleave<T>(label: string, rounds: number, run: RunContext, contenders: readonly Contender<T>[]): Promise<RoundResults<T>> {
  const results: RoundResults<T> = new Map(contenders.map((contender) => [contender.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const contender of rotate(contenders, round - 1)) {
      run.guard();
      run.progress(`${label}: round ${round}/${rounds}, ${contender.name}`);
      results.get(contender.name)!.push(await contender.measure());
    }
  }
  return results;
}
