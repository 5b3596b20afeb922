/**
 * The example app's download route in the `s3` profile (an embedded s3rver; the route answers a
 * presigned 302, not followed) and in `s3` with S3_DELIVERY=proxy (the app streams from the
 * bucket), against the `dev` profile serving the same small file from disk. Each app runs in its
 * own Node process; rounds are interleaved; the load generator (autocannon) runs here.
 */
import { loadavg } from 'node:os';
import { withCpuTime } from '../lib/cpu-time.js';
import { rotate } from '../lib/stats.js';
import { startAppProcess, type AppProcess } from './app-process.js';
import { FILE_BYTES, findDownloadRoute, verifyDownload, type Answer, type DownloadRoute } from './download-route.js';
import { measureRouteRate, type RouteRate } from './route-rate.js';
import type { S3ProfileSettings } from './settings.js';

export { defaultSettings, quickSettings, type S3ProfileSettings } from './settings.js';

export interface Target {
  label: string;
  profile: string;
  env?: Record<string, string>;
  answer: Answer;
}

export const TARGETS: readonly Target[] = [
  { label: 'dev (directStream from disk)', profile: 'dev', answer: 'bytes' },
  { label: 's3 (presigned 302)', profile: 's3', answer: 'redirect' },
  { label: 's3, S3_DELIVERY=proxy (streamed from the bucket)', profile: 's3', env: { S3_DELIVERY: 'proxy' }, answer: 'bytes' },
];

export interface Round extends RouteRate {
  /** CPU seconds the app process used during the round (NaN when /proc is unreadable). */
  cpuSeconds: number;
}

export interface S3ProfileResults {
  settings: S3ProfileSettings;
  startedAt: Date;
  durationMs: number;
  loadAverage: { start: number; end: number };
  /** Rounds per target label, in TARGETS order. */
  rounds: Map<string, Round[]>;
}

export type Progress = (message: string) => void;

interface Running {
  target: Target;
  app: AppProcess;
  route: DownloadRoute;
}

export async function runS3Profile(settings: S3ProfileSettings, progress: Progress = () => {}): Promise<S3ProfileResults> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const apps: AppProcess[] = [];
  try {
    progress('starting the example app in the dev, s3 and s3 proxy profiles');
    const running: Running[] = [];
    for (const target of TARGETS) {
      const app = await startAppProcess({ label: target.label, profile: target.profile, ...(target.env ? { env: target.env } : {}) });
      apps.push(app);
      running.push({ target, app, route: await findDownloadRoute(app.url) });
    }
    progress('verifying every answer');
    for (const { target, app, route } of running) await verifyDownload(app.url, route, target.answer);
    for (const entry of running) await measure(entry, settings, settings.warmupSeconds);
    const rounds = new Map<string, Round[]>(TARGETS.map((target) => [target.label, []]));
    for (let round = 0; round < settings.rounds; round += 1) {
      for (const entry of rotate(running, round)) {
        progress(`round ${round + 1}/${settings.rounds}: ${entry.target.label}`);
        rounds.get(entry.target.label)!.push(await measure(entry, settings, settings.seconds));
      }
    }
    for (const { app } of running) if (app.exited) throw new Error(`the ${app.label} app died during the benchmark`);
    return { settings, startedAt, durationMs: Date.now() - startedAt.getTime(), loadAverage: { start: loadAtStart, end: loadavg()[0]! }, rounds };
  } finally {
    for (const app of apps) await app.stop();
  }
}

async function measure({ target, app, route }: Running, settings: S3ProfileSettings, seconds: number): Promise<Round> {
  const { result, cpuSeconds } = await withCpuTime(app.pid, () =>
    measureRouteRate({
      origin: app.url,
      path: route.path,
      headers: { Authorization: route.authorization },
      connections: settings.connections,
      durationSeconds: seconds,
      ...(target.answer === 'bytes' ? { status: 200, bodyLength: FILE_BYTES.length } : { status: 302 }),
    }),
  );
  return { ...result, cpuSeconds };
}
