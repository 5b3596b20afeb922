/**
 * The four instruments: deliveries by strategy and status, bytes streamed by strategy, streams in
 * flight, and how long a delivery takes to reach its plan (the decision latency).
 */
import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import type { DeliveryMessage } from '@sendoff/core';
import { ATTR } from './attributes.js';

/** Seconds; fine below a millisecond, where a decision without I/O lands. */
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class DeliveryMetrics {
  readonly #deliveries: Counter;
  readonly #bytes: Counter;
  readonly #streams: UpDownCounter;
  readonly #duration: Histogram;

  constructor(meter: Meter) {
    this.#deliveries = meter.createCounter('sendoff.deliveries', { description: 'Deliveries planned or failed, by strategy and status', unit: '{delivery}' });
    this.#bytes = meter.createCounter('sendoff.stream.bytes', { description: 'Bytes the app streamed itself, by strategy', unit: 'By' });
    this.#streams = meter.createUpDownCounter('sendoff.streams.active', { description: 'Body streams open right now', unit: '{stream}' });
    this.#duration = meter.createHistogram('sendoff.deliver.duration', {
      description: 'Time from deliver() to its plan or its failure: key check, file lookup, policy and plan',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  }

  /** One delivery reached its plan or failed. */
  settled(message: DeliveryMessage): void {
    const attributes = outcomeOf(message);
    this.#deliveries.add(1, attributes);
    if (message.duration !== undefined) this.#duration.record(message.duration / 1000, attributes);
  }

  streamOpened(message: DeliveryMessage): void {
    this.#streams.add(1, strategyOf(message));
  }

  streamClosed(message: DeliveryMessage): void {
    const attributes = strategyOf(message);
    this.#streams.add(-1, attributes);
    this.#bytes.add(message.stream?.bytes ?? 0, attributes);
  }
}

function strategyOf(message: DeliveryMessage): Attributes {
  return message.strategy === undefined ? {} : { [ATTR.strategy]: message.strategy };
}

function outcomeOf(message: DeliveryMessage): Attributes {
  const attributes: Attributes = { ...strategyOf(message) };
  if (message.status !== undefined) attributes[ATTR.status] = message.status;
  if (message.errorCode !== undefined) attributes[ATTR.errorType] = message.errorCode;
  return attributes;
}
