/**
 * Prometheus metrics of the app's deliveries (prom-client, in a registry of the app's own): counts
 * by strategy and status, bytes the app streamed, streams in flight and the time to a plan. It
 * also keeps the split between strategies that the page shows.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryMessage } from '@sendoff/core';
import type { DeliveryWatcher } from './watch-deliveries.js';

/** Deliveries per strategy (`none` for those that failed before one was chosen). */
export type StrategySplit = Record<string, number>;

const NO_STRATEGY = 'none';

export class DeliveryMetrics implements DeliveryWatcher {
  readonly registry = new Registry();
  readonly #split = new Map<string, number>();
  readonly #deliveries = new Counter({
    name: 'sendoff_deliveries_total',
    help: 'Deliveries planned or failed, by strategy and status',
    labelNames: ['strategy', 'status'] as const,
    registers: [this.registry],
  });
  readonly #bytes = new Counter({
    name: 'sendoff_stream_bytes_total',
    help: 'Bytes the app streamed itself, by strategy (offloaded bytes are the web server’s)',
    labelNames: ['strategy'] as const,
    registers: [this.registry],
  });
  readonly #streams = new Gauge({
    name: 'sendoff_streams_active',
    help: 'Body streams the app is sending right now',
    labelNames: ['strategy'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'sendoff_deliver_duration_seconds',
    help: 'Time from deliver() to its plan or failure: key check, file lookup, policy and plan',
    labelNames: ['strategy'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  settled(message: DeliveryMessage): void {
    const strategy = message.strategy ?? NO_STRATEGY;
    this.#deliveries.inc({ strategy, status: String(message.status ?? 500) });
    if (message.duration !== undefined) this.#duration.observe({ strategy }, message.duration / 1000);
    this.#split.set(strategy, (this.#split.get(strategy) ?? 0) + 1);
  }

  streamOpened(message: DeliveryMessage): void {
    this.#streams.inc({ strategy: message.strategy ?? NO_STRATEGY });
  }

  streamClosed(message: DeliveryMessage): void {
    const strategy = message.strategy ?? NO_STRATEGY;
    this.#streams.dec({ strategy });
    this.#bytes.inc({ strategy }, message.stream?.bytes ?? 0);
  }

  /** How many deliveries each strategy made since the app started. */
  split(): StrategySplit {
    return Object.fromEntries(this.#split);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
