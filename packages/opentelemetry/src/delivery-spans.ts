/**
 * Spans of deliveries: `sendoff.deliver` from deliver() to its plan or failure, and for a stream
 * plan a child `sendoff.stream` from the body's opening to its close (the bytes that went out, and
 * whether they all did). A stream plan's body may never be opened (a client gone before), so the
 * delivery span never waits for it.
 */
import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import type { DeliveryMessage } from '@sendoff/core';
import { ATTR } from './attributes.js';

/** What to put on spans for the key, or undefined for nothing (keys can be personal data). */
export type KeyAttribute = (key: string) => string | undefined;

export class DeliverySpans {
  readonly #deliveries = new WeakMap<DeliveryMessage, Span>();
  readonly #streams = new WeakMap<DeliveryMessage, Span>();

  constructor(
    private readonly tracer: Tracer,
    private readonly keyAttribute: KeyAttribute | undefined,
  ) {}

  started(message: DeliveryMessage): void {
    const attributes: Attributes = { [ATTR.method]: message.method };
    const key = this.keyAttribute?.(message.key);
    if (key !== undefined) attributes[ATTR.key] = key;
    this.#deliveries.set(message, this.tracer.startSpan('sendoff.deliver', { kind: SpanKind.INTERNAL, attributes }, context.active()));
  }

  settled(message: DeliveryMessage): void {
    const span = this.#deliveries.get(message);
    if (span === undefined) return;
    span.setAttributes(planAttributes(message));
    if (message.errorCode !== undefined) {
      span.setAttribute(ATTR.errorType, message.errorCode);
      if ((message.status ?? 500) >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: message.errorCode });
    }
    span.end();
  }

  streamOpened(message: DeliveryMessage): void {
    const parent = this.#deliveries.get(message);
    const parentContext = parent === undefined ? context.active() : trace.setSpan(context.active(), parent);
    const attributes: Attributes = { [ATTR.streamLength]: message.stream?.length ?? 0 };
    if (message.strategy !== undefined) attributes[ATTR.strategy] = message.strategy;
    this.#streams.set(message, this.tracer.startSpan('sendoff.stream', { kind: SpanKind.INTERNAL, attributes }, parentContext));
  }

  streamClosed(message: DeliveryMessage): void {
    const span = this.#streams.get(message);
    const stream = message.stream;
    if (span === undefined || stream === undefined) return;
    span.setAttributes({ [ATTR.streamBytes]: stream.bytes, [ATTR.streamState]: stream.state });
    if (stream.errorCode !== undefined) span.setAttribute(ATTR.errorType, stream.errorCode);
    span.end();
  }
}

function planAttributes(message: DeliveryMessage): Attributes {
  const attributes: Attributes = {};
  if (message.strategy !== undefined) attributes[ATTR.strategy] = message.strategy;
  if (message.rule !== undefined) attributes[ATTR.rule] = message.rule;
  if (message.location !== undefined) attributes[ATTR.location] = message.location;
  if (message.size !== undefined) attributes[ATTR.size] = message.size;
  if (message.body !== undefined) attributes[ATTR.body] = message.body;
  if (message.status !== undefined) attributes[ATTR.status] = message.status;
  return attributes;
}
