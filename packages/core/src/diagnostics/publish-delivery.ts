/**
 * Publishes deliveries on the sendoff channels, as undici and fastify do: the Deliverer asks
 * `isPublishing()` first and only then builds a message, so a process with no subscriber pays one
 * check per delivery. A published delivery runs inside `tracePromise` (start → end, then
 * asyncStart/asyncEnd or error), and a stream plan's body is counted on its way out and reported
 * when it closes.
 */
import { channel, tracingChannel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import type { DeliveryRequest, ResolvedFile } from '../contracts.js';
import type { DeliverOptions, DeliveryResult } from '../deliverer/types.js';
import { isSendoffError } from '../errors/sendoff-error.js';
import { DELIVER_CHANNEL, STREAM_CLOSE_CHANNEL, STREAM_OPEN_CHANNEL, type DeliveryMessage, type StreamReport } from './channels.js';

const deliveries = tracingChannel<unknown, DeliveryMessage>(DELIVER_CHANNEL);
const streamOpened = channel(STREAM_OPEN_CHANNEL);
const streamClosed = channel(STREAM_CLOSE_CHANNEL);

/** Plans a delivery, noting what it resolves on `message` when there is one. */
export type Planner = (request: DeliveryRequest, options: DeliverOptions, message?: DeliveryMessage) => Promise<DeliveryResult>;

/** Whether anyone listens: when not, deliveries are planned without building any message. */
export function isPublishing(): boolean {
  return deliveries.hasSubscribers || streamOpened.hasSubscribers || streamClosed.hasSubscribers;
}

/** Runs `plan` inside the `sendoff:deliver` TracingChannel with one message for the whole delivery. */
export function publishDelivery(request: DeliveryRequest, options: DeliverOptions, plan: Planner): Promise<DeliveryResult> {
  const message: DeliveryMessage = { key: stringOr(options?.key), method: stringOr(request?.method) };
  const started = performance.now();
  return deliveries.tracePromise(async () => {
    try {
      const result = await plan(request, options, message);
      noteResult(message, result, started);
      return result.body === 'stream' ? { ...result, open: publishStream(result.open, result.length, message) } : result;
    } catch (error) {
      noteFailure(message, error, started);
      throw error;
    }
  }, message);
}

/** Records where the file is and how big, once the Deliverer has resolved it. */
/** Notes where the file is and its size, when known without a lookup (recorded by the app or looked up). */
export function noteFile(message: DeliveryMessage, file: ResolvedFile, size: number | undefined): void {
  message.location = file.location.kind;
  if (size !== undefined) message.size = size;
}

function noteResult(message: DeliveryMessage, result: DeliveryResult, started: number): void {
  message.rule = result.decision.rule;
  message.strategy = result.decision.strategy;
  message.reasons = result.decision.reasons;
  message.status = result.status;
  message.body = result.body;
  message.duration = performance.now() - started;
}

function noteFailure(message: DeliveryMessage, error: unknown, started: number): void {
  message.status = isSendoffError(error) ? error.status : 500;
  message.errorCode = codeOf(error) ?? 'INTERNAL';
  message.duration = performance.now() - started;
}

/** `open`, whose stream is counted as it leaves and reported on the stream channels. */
function publishStream(open: () => Promise<Readable>, length: number, message: DeliveryMessage): () => Promise<Readable> {
  return async () => {
    const source = await open();
    const report: StreamReport = { bytes: 0, length, state: 'open' };
    message.stream = report;
    const opened = performance.now();
    const counter = new ByteCounter(report);
    counter.once('close', () => {
      report.state = counter.readableEnded ? 'finished' : 'aborted';
      report.duration = performance.now() - opened;
      const code = codeOf(counter.errored ?? source.errored);
      if (code !== undefined && report.state === 'aborted') report.errorCode = code;
      if (streamClosed.hasSubscribers) streamClosed.publish(message);
    });
    // pipeline destroys the source when the response destroys the counter (a client gone away).
    const counted = pipeline(source, counter, () => undefined);
    if (streamOpened.hasSubscribers) streamOpened.publish(message);
    return counted;
  };
}

/** Passes bytes through, adding their count to the report. */
class ByteCounter extends Transform {
  constructor(private readonly report: StreamReport) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.report.bytes += chunk.length;
    callback(null, chunk);
  }
}

function codeOf(error: unknown): string | undefined {
  if (isSendoffError(error)) return error.code;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
