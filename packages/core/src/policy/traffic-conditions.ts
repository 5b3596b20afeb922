/**
 * The traffic conditions of a rule: fleet-wide streams in flight, downloads per second and bytes
 * per second, each for this process or the whole fleet. They read the traffic facts the Deliverer
 * put into the context (this process's counters when there are none).
 */
import type { TrafficFacts, TrafficSnapshot } from '../traffic/types.js';
import type { Checker } from './conditions.js';
import type { PolicyContext, RuleConditions, TrafficScope, TrafficThreshold } from './types.js';

type Measure = 'streams' | 'downloadsPerSecond' | 'bytesPerSecond';

/** The checkers for the traffic conditions a rule sets. */
export function compileTrafficConditions(rule: RuleConditions): Checker[] {
  const checkers: Checker[] = [];
  if (rule.fleetStreamsAbove !== undefined) checkers.push(isAbove('streams', 'fleetStreamsAbove', { above: rule.fleetStreamsAbove, scope: 'fleet' }));
  if (rule.downloadsPerSecondAbove !== undefined) checkers.push(isAbove('downloadsPerSecond', 'downloadsPerSecondAbove', threshold(rule.downloadsPerSecondAbove)));
  if (rule.bytesPerSecondAbove !== undefined) checkers.push(isAbove('bytesPerSecond', 'bytesPerSecondAbove', threshold(rule.bytesPerSecondAbove)));
  return checkers;
}

/** Whether a rule reads fleet-wide facts (and so makes the Deliverer ask the fleet source). */
export function readsFleetTraffic(rule: RuleConditions): boolean {
  return (
    rule.fleetStreamsAbove !== undefined ||
    (rule.downloadsPerSecondAbove !== undefined && threshold(rule.downloadsPerSecondAbove).scope === 'fleet') ||
    (rule.bytesPerSecondAbove !== undefined && threshold(rule.bytesPerSecondAbove).scope === 'fleet')
  );
}

/** A bare number means this process. */
function threshold(value: number | TrafficThreshold): TrafficThreshold {
  return typeof value === 'number' ? { above: value, scope: 'process' } : value;
}

const LABEL: Record<Measure, string> = { streams: 'streams', downloadsPerSecond: 'downloads/s', bytesPerSecond: 'bytes/s' };

function isAbove(measure: Measure, condition: string, { above, scope }: TrafficThreshold): Checker {
  return (ctx) => {
    const facts = factsOf(ctx);
    const value = snapshotOf(facts, scope)[measure];
    const source = scope === 'fleet' ? `, counted by ${facts.source}` : '';
    const shown = `${scope} ${LABEL[measure]} ${round(value)}`;
    return value > above
      ? { ok: true, reason: `${shown} > ${condition} ${above}${source}` }
      : { ok: false, reason: `${shown} <= ${condition} ${above}${source}` };
  };
}

function snapshotOf(facts: TrafficFacts, scope: TrafficScope): TrafficSnapshot {
  return scope === 'fleet' ? facts.fleet : facts.process;
}

/** The context's facts, or this process's in-flight count alone when the caller gave none. */
function factsOf(ctx: PolicyContext): TrafficFacts {
  if (ctx.traffic !== undefined) return ctx.traffic;
  const local = { streams: ctx.inFlight, downloadsPerSecond: 0, bytesPerSecond: 0 };
  return { process: local, fleet: local, source: 'local', fallback: false };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
