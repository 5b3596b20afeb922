/**
 * What the Deliverer counts: its direct streams in flight and the downloads it plans, in its own
 * `localTraffic` and, when the config names one, in a fleet source too. Reads the facts a decision
 * needs (the fleet's only when a rule asks for them).
 */
import type { DeliveryPlan, DeliveryRequest } from '../contracts.js';
import { configInvalid } from '../errors/sendoff-error.js';
import { InFlightCounter } from '../policy/in-flight.js';
import { localTraffic } from '../traffic/local-traffic.js';
import { readTraffic } from '../traffic/read-traffic.js';
import type { TrafficFacts, TrafficSource } from '../traffic/types.js';

export interface TrafficTracker {
  /** Direct streams of this process in flight. */
  readonly inFlight: number;
  /** A stream plan whose `open` hands its stream to the counters; other plans as they are. */
  countStreams(plan: DeliveryPlan): DeliveryPlan;
  /** Counts a planned download and the bytes it sends (`size`: the file's, when known without a lookup). */
  recordDownload(request: DeliveryRequest, plan: DeliveryPlan, size: number | undefined): void;
  /** This process's traffic, and the fleet's when `wantFleet`. */
  facts(wantFleet: boolean): Promise<TrafficFacts>;
}

export function trafficTracker(source: TrafficSource | undefined): TrafficTracker {
  const fleet = checkTrafficSource(source);
  const local = localTraffic();
  const sources: TrafficSource[] = fleet === undefined ? [local] : [local, fleet];
  const tell = (event: (source: TrafficSource) => void) => {
    for (const source of sources) {
      try {
        event(source);
      } catch {
        // A source that breaks its "never throws" promise must not break the download.
      }
    }
  };
  const counter = new InFlightCounter({ started: () => tell((source) => source.streamStarted()), ended: () => tell((source) => source.streamEnded()) });
  return {
    get inFlight() {
      return counter.current;
    },
    countStreams(plan) {
      if (plan.body !== 'stream') return plan;
      const open = plan.open;
      return { ...plan, open: async () => counter.track(await open()) };
    },
    recordDownload(request, plan, size) {
      const bytes = bytesSent(request, plan, size);
      tell((source) => source.recordDownload(bytes));
    },
    facts(wantFleet) {
      return readTraffic(local.snapshot(), fleet, wantFleet);
    },
  };
}

const SOURCE_METHODS = ['streamStarted', 'streamEnded', 'recordDownload', 'snapshot'] as const;

/** The config's fleet source, checked at start-up; CONFIG_INVALID when it is not one. */
function checkTrafficSource(source: TrafficSource | undefined): TrafficSource | undefined {
  if (source === undefined) return undefined;
  const candidate = source as unknown as Partial<Record<string, unknown>> | null;
  const timeoutMs = candidate?.['timeoutMs'];
  const valid =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate['name'] === 'string' &&
    SOURCE_METHODS.every((method) => typeof candidate[method] === 'function') &&
    (timeoutMs === undefined || (typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0));
  if (!valid) throw configInvalid('delivery config: traffic must implement TrafficSource (name, streamStarted, streamEnded, recordDownload, snapshot; timeoutMs a positive number)');
  return source;
}

/**
 * The bytes a plan sends: a stream's length; an offload's or redirect's whole file on success
 * (0 when its size is not known: a redirect planned from recorded facts without a size); else 0.
 */
function bytesSent(request: DeliveryRequest, plan: DeliveryPlan, size: number | undefined): number {
  if (request.method.toUpperCase() === 'HEAD') return 0;
  if (plan.body === 'stream') return plan.length;
  return plan.status < 400 && plan.status !== 304 ? (size ?? 0) : 0;
}
