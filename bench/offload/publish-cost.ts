/**
 * What publishing on the `sendoff:deliver` channels costs the offload route: the same app (Koa +
 * `deliver()`, answered with X-Accel-Redirect) in three processes: on the baseline's core (a
 * commit before the channels, by default main), on this tree's core with no subscriber, and with a
 * light subscriber attached. Rounds are interleaved; each measures req/s and the app's CPU time per
 * request with autocannon on the app itself.
 */
import { loadavg } from 'node:os';
import { request, startChildServer, type ChildServer } from '@sendoff-tools/test-kit';
import { measureRequestRate } from '../lib/request-rate.js';
import { withCpuTime } from '../lib/cpu-time.js';
import { extractBaselineCore } from './baseline-core.js';
import { measureDeliverLoop, type LoopResults } from './deliver-loop.js';
import { createOffloadFixtures, type OffloadFixtures } from './fixtures.js';
import { interleave, type AppCostRound, type Progress, type RoundResults } from './phases.js';
import { INTERNAL_PREFIX, ROUTES, pathOf } from './routes.js';

const APP_SCRIPT = new URL('./servers/publish-app.ts', import.meta.url);

export const PUBLISHING = { baseline: 'baseline (no channels)', none: 'no subscriber', subscriber: 'subscriber attached' } as const;

export interface PublishSettings {
  /** The commit whose core has no channels (default `main`). */
  baseline: string;
  /** Load each app gets first, unmeasured, so that none is measured cold. */
  warmupSeconds: number;
  rounds: number;
  connections: number;
  seconds: number;
  /** The in-process loop of `deliver()` calls: rounds, and deliveries per contender and round. */
  loopRounds: number;
  loopBatch: number;
}

export const defaultPublishSettings: PublishSettings = { baseline: 'main', warmupSeconds: 3, rounds: 7, connections: 16, seconds: 5, loopRounds: 11, loopBatch: 20000 };
export const quickPublishSettings: PublishSettings = { ...defaultPublishSettings, warmupSeconds: 1, rounds: 1, seconds: 1, loopRounds: 1, loopBatch: 500 };

export interface PublishResults {
  settings: PublishSettings;
  baselineCommit: string;
  startedAt: Date;
  durationMs: number;
  loadAverage: { start: number; end: number };
  rounds: RoundResults<AppCostRound>;
  /** Microseconds per `deliver()` in the bench process, per round, by contender. */
  loop: LoopResults;
}

export async function runPublishCost(settings: PublishSettings, progress: Progress = () => {}): Promise<PublishResults> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const baseline = await extractBaselineCore(settings.baseline);
  const fixtures = await createOffloadFixtures(2 ** 20);
  const apps: ChildServer[] = [];
  try {
    progress(`starting the app three times (baseline ${baseline.commit.slice(0, 12)}, no subscriber, subscriber)`);
    const start = async (name: string, args: string[]) => {
      const app = await startChildServer({ name, script: APP_SCRIPT, args: [fixtures.root, INTERNAL_PREFIX, ...args] });
      apps.push(app);
      return app;
    };
    const onBaseline = await start(PUBLISHING.baseline, ['none', baseline.entry]);
    const plain = await start(PUBLISHING.none, ['none']);
    const subscribed = await start(PUBLISHING.subscriber, ['subscriber']);
    await verifyPublishApps({ baseline: onBaseline, none: plain, subscriber: subscribed }, fixtures);
    const path = pathOf(ROUTES.accel, fixtures.largeKey);
    const load = (app: ChildServer, seconds: number) =>
      measureRequestRate({ origin: app.origin, paths: [path], connections: settings.connections, durationSeconds: seconds, expectedLength: 0 });
    const measure = (app: ChildServer) => async (): Promise<AppCostRound> => {
      const { result, cpuSeconds } = await withCpuTime(app.pid, () => load(app, settings.seconds));
      return { rate: result, cpuSeconds };
    };
    for (const app of apps) {
      progress(`warming up ${app.name}`);
      await load(app, settings.warmupSeconds);
    }
    const guard = () => {
      const dead = apps.find((app) => app.exited);
      if (dead) throw new Error(`${dead.name} died during the benchmark`);
    };
    const rounds = await interleave('publishing', settings.rounds, { progress, guard }, [
      { name: PUBLISHING.baseline, measure: measure(onBaseline) },
      { name: PUBLISHING.none, measure: measure(plain) },
      { name: PUBLISHING.subscriber, measure: measure(subscribed) },
    ]);
    const loop = await measureDeliverLoop(baseline.entry, fixtures.root, INTERNAL_PREFIX, fixtures.largeKey, { rounds: settings.loopRounds, batch: settings.loopBatch }, progress);
    return { settings, baselineCommit: baseline.commit, startedAt, durationMs: Date.now() - startedAt.getTime(), loadAverage: { start: loadAtStart, end: loadavg()[0]! }, rounds, loop };
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await fixtures.remove();
    await baseline.remove();
  }
}

export interface PublishApps {
  baseline: ChildServer;
  none: ChildServer;
  subscriber: ChildServer;
}

/** Each app answers the offload route alike (empty 200, the header), and only the subscriber's counts it. */
export async function verifyPublishApps(apps: PublishApps, fixtures: OffloadFixtures): Promise<void> {
  const problems: string[] = [];
  const target = INTERNAL_PREFIX + fixtures.largeKey;
  for (const app of [apps.baseline, apps.none, apps.subscriber]) {
    const response = await request(app.origin + pathOf(ROUTES.accel, fixtures.largeKey));
    if (response.status !== 200 || response.body.length !== 0 || response.headers['x-accel-redirect'] !== target) {
      problems.push(`${app.name}: ${response.status}, ${response.body.length} body bytes, X-Accel-Redirect ${response.headers['x-accel-redirect']}`);
    }
  }
  const counts = async (app: ChildServer) => (await request(app.origin + ROUTES.deliveries)).json<Record<string, number>>();
  if (!((await counts(apps.subscriber))['xAccel 200']! >= 1)) problems.push(`${apps.subscriber.name}: its subscriber heard no delivery`);
  for (const app of [apps.baseline, apps.none]) if (Object.keys(await counts(app)).length > 0) problems.push(`${app.name}: something subscribed`);
  if (problems.length > 0) throw new Error(`pre-run verification failed:\n  ${problems.join('\n  ')}`);
}
