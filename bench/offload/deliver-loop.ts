/**
 * The offload route's `deliver()` alone, in the bench process, without HTTP: batches of deliveries
 * one after the other, for each contender in turn (the baseline's Deliverer, this tree's with no
 * subscriber, the same with a subscriber attached for its batch), measured in CPU time of the
 * process (all its threads: the file-system calls run on libuv's pool). On a shared machine the
 * wall time of sequential awaits mostly measures waiting for a core; the CPU time does not.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { pathToFileURL } from 'node:url';
import type * as Core from '@sendoff/core';
import * as current from '@sendoff/core';
import { rotate } from '../lib/stats.js';
import type { Progress } from './phases.js';
import { PUBLISHING } from './publish-cost.js';

export interface LoopSettings {
  rounds: number;
  /** Deliveries per contender and round. */
  batch: number;
}

/** CPU microseconds per delivery, one entry per round, by contender. */
export type LoopResults = Map<string, number[]>;

const GET: Core.DeliveryRequest = { method: 'GET', headers: {} };

export async function measureDeliverLoop(baselineEntry: string, root: string, prefix: string, key: string, settings: LoopSettings, progress: Progress): Promise<LoopResults> {
  const baseline = (await import(pathToFileURL(baselineEntry).href)) as typeof Core;
  const onBaseline = offloading(baseline, root, prefix);
  const onCurrent = offloading(current, root, prefix);
  let heard = 0;
  const subscriber = () => void heard++;
  const deliveries = tracingChannel(current.DELIVER_CHANNEL);
  const contenders = [
    { name: PUBLISHING.baseline, run: () => batch(onBaseline, key, settings.batch) },
    { name: PUBLISHING.none, run: () => batch(onCurrent, key, settings.batch) },
    {
      name: PUBLISHING.subscriber,
      run: async () => {
        deliveries.asyncEnd.subscribe(subscriber);
        try {
          return await batch(onCurrent, key, settings.batch);
        } finally {
          deliveries.asyncEnd.unsubscribe(subscriber);
        }
      },
    },
  ];
  for (const contender of contenders) await contender.run(); // warm-up
  const results: LoopResults = new Map(contenders.map((contender) => [contender.name, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    progress(`deliver() loop: round ${round}/${settings.rounds}`);
    for (const contender of rotate(contenders, round - 1)) results.get(contender.name)!.push(await contender.run());
  }
  const expected = settings.batch * (settings.rounds + 1);
  if (heard !== expected) throw new Error(`the subscriber heard ${heard} deliveries, expected ${expected}`);
  return results;
}

function offloading(core: typeof Core, root: string, prefix: string): Core.Deliverer {
  return core.createDelivery({
    environment: 'production',
    storage: new core.LocalStorage({ root }),
    strategies: [core.xAccel({ root, prefix }), core.directStream()],
    policy: { rules: [{ name: 'offload in production', use: 'xAccel', environment: 'production' }], fallback: 'directStream' },
  });
}

/** CPU microseconds per delivery over `count` deliveries of `key`, each checked to be the offload answer. */
async function batch(deliverer: Core.Deliverer, key: string, count: number): Promise<number> {
  const started = process.cpuUsage();
  for (let index = 0; index < count; index++) {
    const plan = await deliverer.deliver(GET, { key });
    if (plan.strategy !== 'xAccel' || plan.status !== 200) throw new Error(`unexpected plan: ${plan.strategy} ${plan.status}`);
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}
