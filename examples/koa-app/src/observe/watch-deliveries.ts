/**
 * The app's one subscriber to the sendoff delivery channels: it hears when each delivery is
 * settled (planned or failed) and, for a body the app streams itself, when that stream closes,
 * and hands both to the app's listeners (the metrics, the download log). The channels are the
 * process's: every Deliverer in it is heard.
 */
import { channel, tracingChannel } from 'node:diagnostics_channel';
import { DELIVER_CHANNEL, STREAM_CLOSE_CHANNEL, STREAM_OPEN_CHANNEL, type DeliveryMessage } from '@sendoff/core';

export interface DeliveryWatcher {
  /** A delivery reached its plan or failed. */
  settled?(message: DeliveryMessage): void;
  /** A stream plan's body was opened. */
  streamOpened?(message: DeliveryMessage): void;
  /** That body closed: `message.stream` says how many bytes went out and whether all did. */
  streamClosed?(message: DeliveryMessage): void;
}

/** Subscribes `watchers`; returns the function that unsubscribes them. */
export function watchDeliveries(watchers: readonly DeliveryWatcher[]): () => void {
  const settled = (message: unknown) => watchers.forEach((watcher) => watcher.settled?.(message as DeliveryMessage));
  const opened = (message: unknown) => watchers.forEach((watcher) => watcher.streamOpened?.(message as DeliveryMessage));
  const closed = (message: unknown) => watchers.forEach((watcher) => watcher.streamClosed?.(message as DeliveryMessage));
  // asyncEnd comes after a plan and after a failure alike.
  const deliveries = tracingChannel(DELIVER_CHANNEL);
  deliveries.asyncEnd.subscribe(settled);
  channel(STREAM_OPEN_CHANNEL).subscribe(opened);
  channel(STREAM_CLOSE_CHANNEL).subscribe(closed);
  return () => {
    deliveries.asyncEnd.unsubscribe(settled);
    channel(STREAM_OPEN_CHANNEL).unsubscribe(opened);
    channel(STREAM_CLOSE_CHANNEL).unsubscribe(closed);
  };
}
