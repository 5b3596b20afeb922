/**
 * Subscribes to the sendoff delivery channels and turns what they carry into OpenTelemetry spans
 * and metrics. Only `@opentelemetry/api` is used: the app sets up the SDK (and its exporters) and
 * passes its providers, or registers them globally.
 */
import { channel, tracingChannel } from 'node:diagnostics_channel';
import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { DELIVER_CHANNEL, STREAM_CLOSE_CHANNEL, STREAM_OPEN_CHANNEL, type DeliveryMessage } from '@sendoff/core';
import { DeliveryMetrics } from './delivery-metrics.js';
import { DeliverySpans, type KeyAttribute } from './delivery-spans.js';

export const INSTRUMENTATION_NAME = '@sendoff/opentelemetry';

export interface InstrumentSendoffOptions {
  /** Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /**
   * What to record of the key as the span attribute `sendoff.key` (e.g. a keyed hash); undefined
   * leaves it out. Default: nothing, since keys can be personal data.
   */
  keyAttribute?: KeyAttribute;
}

export interface SendoffInstrumentation {
  /** Unsubscribes: no span or metric from then on. Calling it again does nothing. */
  disable(): void;
}

export function instrumentSendoff(options: InstrumentSendoffOptions = {}): SendoffInstrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME);
  const spans = new DeliverySpans(tracer, options.keyAttribute);
  const measured = new DeliveryMetrics(meter);
  const settled = (message: DeliveryMessage) => {
    spans.settled(message);
    measured.settled(message);
  };
  const started = (message: unknown) => spans.started(message as DeliveryMessage);
  // tracePromise publishes asyncEnd after a plan and after a failure alike (error, then asyncStart and asyncEnd).
  const ended = (message: unknown) => settled(message as DeliveryMessage);
  const opened = (message: unknown) => {
    spans.streamOpened(message as DeliveryMessage);
    measured.streamOpened(message as DeliveryMessage);
  };
  const closed = (message: unknown) => {
    spans.streamClosed(message as DeliveryMessage);
    measured.streamClosed(message as DeliveryMessage);
  };
  const deliveries = tracingChannel(DELIVER_CHANNEL);
  deliveries.start.subscribe(started);
  deliveries.asyncEnd.subscribe(ended);
  channel(STREAM_OPEN_CHANNEL).subscribe(opened);
  channel(STREAM_CLOSE_CHANNEL).subscribe(closed);
  let enabled = true;
  return {
    disable() {
      if (!enabled) return;
      enabled = false;
      deliveries.start.unsubscribe(started);
      deliveries.asyncEnd.unsubscribe(ended);
      channel(STREAM_OPEN_CHANNEL).unsubscribe(opened);
      channel(STREAM_CLOSE_CHANNEL).unsubscribe(closed);
    },
  };
}
