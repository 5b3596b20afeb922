/**
 * A minimal app for the doctor tests, wired as docs/doctor.md shows: files in a LocalStorage, the
 * sendoff probe installed at start-up, `GET /_sendoff/probe?expect=1` answered by the app and
 * `GET /_sendoff/probe` delivered through a Deliverer (the offload strategy first, directStream as
 * the fallback) with the Koa adapter. The expectation names the strategy the Deliverer picks for
 * the probe (installProbe's `strategyFor`).
 */
import Koa from 'koa';
import { listen } from '@sendoff-tools/test-kit';
import { createDelivery, directStream, installProbe, LocalStorage, type DeliveryStrategy, type PolicyConfig, type Probe } from '@sendoff/core';
import { deliver } from '@sendoff/koa';

export interface ProbeApp {
  port: number;
  probe: Probe;
  /** The strategy of every probe delivery, in order. */
  deliveredBy: string[];
  close(): Promise<void>;
}

/** `policy` defaults to the offload strategy for everything, directStream as the fallback. */
export async function startProbeApp(root: string, strategy: DeliveryStrategy, policy?: PolicyConfig): Promise<ProbeApp> {
  const storage = new LocalStorage({ root });
  const deliverer = createDelivery({
    environment: 'production',
    storage,
    strategies: [strategy, directStream()],
    policy: policy ?? { rules: [{ name: 'offload', use: strategy.name }], fallback: 'directStream' },
  });
  const probe = await installProbe(storage, {
    strategyFor: async (key) => (await deliverer.explain({ method: 'GET', headers: {} }, { key })).decision?.strategy,
  });
  const deliveredBy: string[] = [];
  const app = new Koa();
  app.use(async (ctx, next) => {
    const answer = probe.answerFor(ctx.method, ctx.url);
    if (answer === undefined) return next();
    if (answer === 'expectation') {
      ctx.body = await probe.describe();
      return;
    }
    const plan = await deliver(ctx, deliverer, { key: probe.key, filename: 'probe.bin', contentType: probe.expectation.contentType });
    deliveredBy.push(plan.strategy);
  });
  const { port, close } = await listen(app.callback());
  return { port, probe, deliveredBy, close };
}
