/**
 * What the Deliverer publishes on `node:diagnostics_channel`, for logs, metrics and traces: the
 * channel names and the one message object each delivery fills in as it goes. Nothing is built or
 * published while no channel has a subscriber.
 */
import type { LocationKind, PlanBody } from '../contracts.js';
import type { DeliveryResult } from '../deliverer/types.js';

/**
 * The TracingChannel of every `deliver` call: `tracing:sendoff:deliver:start`, `:end`,
 * `:asyncStart`, `:asyncEnd` and `:error` carry one `DeliveryMessage` per delivery.
 */
export const DELIVER_CHANNEL = 'sendoff:deliver';

/** Published with the delivery's `DeliveryMessage` when a stream plan's body is opened. */
export const STREAM_OPEN_CHANNEL = 'sendoff:deliver:stream:open';

/** Published with the delivery's `DeliveryMessage` once that body stream has closed (finished or aborted). */
export const STREAM_CLOSE_CHANNEL = 'sendoff:deliver:stream:close';

/**
 * One delivery, as the channels publish it: the same object from `start` to the stream's close,
 * filled in as the delivery goes (subscribers may key their own state on it).
 */
export interface DeliveryMessage {
  /** The key as the app passed it, before validation. Keys can be personal data: hash or drop it. */
  readonly key: string;
  /** The request method. */
  readonly method: string;
  /** Where the storage holds the file (known once the file is resolved). */
  location?: LocationKind;
  /** The file's size in bytes (known once the file is resolved). */
  size?: number;
  /** The policy rule that chose, or `fallback`. */
  rule?: string;
  /** The strategy that planned the response. */
  strategy?: string;
  /** Why the rule won. */
  reasons?: readonly string[];
  /** The plan's status, or the status the error renders as. */
  status?: number;
  /** What the plan's body is. */
  body?: PlanBody['body'];
  /** Milliseconds from the start of `deliver` to its plan or its failure. */
  duration?: number;
  /** The plan (set by the TracingChannel before `asyncStart`). */
  result?: DeliveryResult;
  /** What `deliver` rejected with (set by the TracingChannel before `error`). */
  error?: unknown;
  /** The failure's code: a `SendoffError` code, or the error's own `code`. */
  errorCode?: string;
  /** The body stream of a stream plan, once opened. */
  stream?: StreamReport;
}

/** A stream plan's body, from its opening to its close. */
export interface StreamReport {
  /** Bytes the stream has handed on to the response so far. */
  bytes: number;
  /** Bytes the plan announced (its Content-Length). */
  length: number;
  /** `open` until it closes; `finished` when every byte went out, `aborted` otherwise. */
  state: 'open' | 'finished' | 'aborted';
  /** Milliseconds from its opening to its close. */
  duration?: number;
  /**
   * The error it closed early with, if any: a `SendoffError` code or the error's `code`. A body
   * the adapter destroys without an error (Koa, when the client leaves) is `aborted` with none.
   */
  errorCode?: string;
}
