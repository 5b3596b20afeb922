import { expect } from 'chai';
import { request, startChildServer, type ChildServer } from '@sendoff-tools/test-kit';
import { extractBaselineCore, type BaselineCore } from './baseline-core.js';
import { createOffloadFixtures, type OffloadFixtures } from './fixtures.js';
import type { AppCostRound } from './phases.js';
import { PUBLISHING, verifyPublishApps, type PublishResults } from './publish-cost.js';
import { pairedRatio, renderPublishCost } from './publish-report.js';
import { INTERNAL_PREFIX, ROUTES, pathOf } from './routes.js';

const APP_SCRIPT = new URL('./servers/publish-app.ts', import.meta.url);

describe('offload benchmark: the cost of publishing deliveries', function () {
  this.timeout(120_000);
  let fixtures: OffloadFixtures;
  let baseline: BaselineCore;
  const apps: ChildServer[] = [];

  before(async () => {
    fixtures = await createOffloadFixtures(4096);
    // This commit's core stands in for the baseline: the app loads it from the extracted copy.
    baseline = await extractBaselineCore('HEAD');
    const start = async (name: string, args: string[]) => {
      const app = await startChildServer({ name, script: APP_SCRIPT, args: [fixtures.root, INTERNAL_PREFIX, ...args] });
      apps.push(app);
      return app;
    };
    await start(PUBLISHING.baseline, ['none', baseline.entry]);
    await start(PUBLISHING.none, ['none']);
    await start(PUBLISHING.subscriber, ['subscriber']);
  });
  after(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await fixtures?.remove();
    await baseline?.remove();
  });

  it('runs the same offload route in the three apps, and only the subscriber hears it', async () => {
    const [onBaseline, none, subscriber] = apps as [ChildServer, ChildServer, ChildServer];
    await verifyPublishApps({ baseline: onBaseline, none, subscriber }, fixtures);
    const answer = await request(onBaseline.origin + pathOf(ROUTES.accel, fixtures.largeKey));
    expect([answer.status, answer.headers['x-accel-redirect'], answer.body.length]).to.deep.equal([200, INTERNAL_PREFIX + fixtures.largeKey, 0]);
    expect((await request(subscriber.origin + ROUTES.deliveries)).json()).to.deep.equal({ 'xAccel 200': 1 });
    expect((await request(none.origin + ROUTES.deliveries)).json()).to.deep.equal({});
  });

  it('fails the verification when the subscriber hears nothing', async () => {
    const [onBaseline, none] = apps as [ChildServer, ChildServer];
    const failure = await verifyPublishApps({ baseline: onBaseline, none, subscriber: none }, fixtures).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(failure).to.include(`${PUBLISHING.none}: its subscriber heard no delivery`);
  });

  it('reports the paired ratios of each round, with their spread', () => {
    const round = (requestsPerSecond: number, cpuSeconds: number, total: number): AppCostRound => ({
      rate: { requestsPerSecond, total, non2xx: 0, mismatched: 0, errors: 0, timeouts: 0 },
      cpuSeconds,
    });
    const baselineRounds = [round(1000, 1, 5000), round(2000, 1, 10000)];
    const noneRounds = [round(990, 1, 4950), round(2100, 1, 10500)];
    expect(pairedRatio(noneRounds, baselineRounds, (r) => r.rate.requestsPerSecond)).to.equal('1.020x (0.990x–1.050x)');
    const run: PublishResults = {
      settings: { baseline: 'main', warmupSeconds: 1, rounds: 2, connections: 4, seconds: 1, loopRounds: 2, loopBatch: 10 },
      baselineCommit: '0123456789abcdef0123456789abcdef01234567',
      startedAt: new Date('2026-01-02T03:04:05Z'),
      durationMs: 60_000,
      loadAverage: { start: 1, end: 1 },
      rounds: new Map([
        [PUBLISHING.baseline, baselineRounds],
        [PUBLISHING.none, noneRounds],
        [PUBLISHING.subscriber, noneRounds],
      ]),
      loop: new Map([
        [PUBLISHING.baseline, [10, 20]],
        [PUBLISHING.none, [11, 20]],
        [PUBLISHING.subscriber, [12, 22]],
      ]),
    };
    const text = renderPublishCost(run, 'node --import tsx bench/run.ts offload-publish');
    expect(text).to.include('| no subscriber | 1,545 | 148.6 | 0 |');
    expect(text).to.include('- no subscriber / baseline: req/s **1.020x (0.990x–1.050x)**');
    expect(text).to.include('`0123456789ab`');
    expect(text).to.include('| no subscriber | 15.50 |');
    expect(text).to.include('- no subscriber / baseline: CPU per delivery **1.050x (1.000x–1.100x)**');
  });
});
