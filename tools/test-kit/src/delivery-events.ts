/**
 * A subscriber to the sendoff delivery channels that keeps what each event carried: the tests
 * assert on the events in order and on the fields each one had when it was published.
 */
import { channel, tracingChannel } from 'node:diagnostics_channel';
import { DELIVER_CHANNEL, STREAM_CLOSE_CHANNEL, STREAM_OPEN_CHANNEL, type DeliveryMessage } from '@sendoff/core';

export type DeliveryEventName = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error' | 'stream:open' | 'stream:close';

/** The message's fields when the event was published (the plan and the error object left out). */
export type MessageSnapshot = Omit<DeliveryMessage, 'result' | 'error'>;

export interface DeliveryEvent {
  name: DeliveryEventName;
  /** The published object itself (the same one through a delivery). */
  message: DeliveryMessage;
  snapshot: MessageSnapshot;
}

export interface DeliveryEvents {
  readonly events: DeliveryEvent[];
  /** The events' names in order. */
  names(): DeliveryEventName[];
  /** The snapshot of the last event of that name. */
  last(name: DeliveryEventName): MessageSnapshot | undefined;
  /** Resolves with the snapshot of the next `stream:close` (or the one already recorded). */
  streamClosed(): Promise<MessageSnapshot>;
  clear(): void;
  /** Unsubscribes from every channel. */
  stop(): void;
}

export function recordDeliveries(): DeliveryEvents {
  const events: DeliveryEvent[] = [];
  const waiters: Array<(snapshot: MessageSnapshot) => void> = [];
  const record = (name: DeliveryEventName) => (published: unknown) => {
    const message = published as DeliveryMessage;
    const snapshot = snapshotOf(message);
    events.push({ name, message, snapshot });
    if (name === 'stream:close') waiters.splice(0).forEach((resolve) => resolve(snapshot));
  };
  const handlers = {
    start: record('start'),
    end: record('end'),
    asyncStart: record('asyncStart'),
    asyncEnd: record('asyncEnd'),
    error: record('error'),
  };
  const opened = record('stream:open');
  const closed = record('stream:close');
  const deliveries = tracingChannel(DELIVER_CHANNEL);
  deliveries.subscribe(handlers);
  channel(STREAM_OPEN_CHANNEL).subscribe(opened);
  channel(STREAM_CLOSE_CHANNEL).subscribe(closed);
  const lastOf = (name: DeliveryEventName) => events.filter((event) => event.name === name).at(-1)?.snapshot;
  return {
    events,
    names: () => events.map((event) => event.name),
    last: lastOf,
    streamClosed: () => {
      const recorded = lastOf('stream:close');
      return recorded ? Promise.resolve(recorded) : new Promise((resolve) => waiters.push(resolve));
    },
    clear: () => void events.splice(0),
    stop: () => {
      deliveries.unsubscribe(handlers);
      channel(STREAM_OPEN_CHANNEL).unsubscribe(opened);
      channel(STREAM_CLOSE_CHANNEL).unsubscribe(closed);
    },
  };
}

function snapshotOf(message: DeliveryMessage): MessageSnapshot {
  const { result: _result, error: _error, ...fields } = message;
  return { ...fields, ...(fields.reasons ? { reasons: [...fields.reasons] } : {}), ...(fields.stream ? { stream: { ...fields.stream } } : {}) };
}
