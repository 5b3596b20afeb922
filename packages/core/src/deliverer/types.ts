import type { DeliveryPlan, DeliveryRequest, DeliveryStrategy, Disposition, FileFact, FileStat, Storage } from '../contracts.js';
import type { InlinePolicyConfig } from '../inline/inline-policy.js';
import type { DecisionSummary, Explanation, PolicyConfig } from '../policy/types.js';
import type { TrafficSource } from '../traffic/types.js';

export interface DeliveryConfig {
  /** Default `process.env.NODE_ENV ?? 'development'`. */
  environment?: string;
  storage: Storage;
  strategies: DeliveryStrategy[];
  policy: PolicyConfig;
  /**
   * Which types may be shown inline, and the CSP of active content (see docs/security.md).
   * Default: `DEFAULT_INLINE_TYPES`, `DEFAULT_ACTIVE_CONTENT_POLICY`.
   */
  inline?: InlinePolicyConfig;
  /**
   * A traffic source every process of the fleet shares (e.g. `redisTraffic` from
   * `@sendoff/redis`): told of this process's streams and downloads, and asked for the fleet's
   * numbers when a rule reads fleet traffic, within its `timeoutMs` (see docs/multi-process.md).
   * Unset: this process is the fleet.
   */
  traffic?: TrafficSource;
}

export interface DeliverOptions {
  /** The storage key; validated, never a path taken from the client as is. */
  key: string;
  /** The download name; default: the last segment of the key. */
  filename?: string;
  /** Default `attachment`. `inline` only for a type the inline policy allows, else `attachment`. */
  disposition?: Disposition;
  /** Default: the storage's content type, else a lookup by file name, else `application/octet-stream`. */
  contentType?: string;
  /**
   * Extra response headers (e.g. `Cache-Control`). The Deliverer always sets
   * `X-Content-Type-Options: nosniff`, and for active content its own `Content-Security-Policy`.
   */
  headers?: Record<string, string>;
  /**
   * The size the app recorded for the file. A copy of another size is not this file, or not all
   * of it yet (an object still being written to an S3-compatible server): a FallbackStorage reads
   * the next storage instead, and when the storage holds no copy of that size the download is a
   * 404 NOT_FOUND. Unset: any size.
   */
  expectedSize?: number;
  /**
   * What the app recorded of the file when it stored it (its own database row): any of size,
   * mtime (a Date from the year 0000 to 9999), etag (a strong, quoted tag) and content type. Given, the Deliverer takes them as the
   * app's word and asks the storage only for a fact that a rule it evaluates or the chosen
   * strategy reads and the app did not give (one lookup at most); a presigned redirect of a file
   * whose content type is known needs no lookup at all. The recorded size is also the expected
   * size (see `expectedSize`). Unset: the storage is asked for every fact, as always.
   */
  recorded?: RecordedFacts;
}

/** The facts of a file an app recorded itself (see `DeliverOptions.recorded`). */
export type RecordedFacts = Partial<FileStat>;

/** Where a fact of a delivery came from: the app's record, the storage, or nowhere (nothing read it). */
export type FactSource = 'app' | 'storage' | 'not needed';

/** A plan plus the decision that produced it (for logs). */
export type DeliveryResult = DeliveryPlan & { decision: DecisionSummary };

/** What `explain` answers: the policy explanation, plus the file and options it was made for. */
export interface DeliveryExplanation extends Explanation {
  key: string;
  location: string;
  /** The size, when the app recorded it or the storage was asked. */
  size?: number;
  contentType: string;
  /** The disposition the download will carry, after the inline policy. */
  disposition: Disposition;
  /** Where each fact of the file came from, as `deliver` resolves them for this request. */
  facts: Record<FileFact, FactSource>;
  /** Why an `inline` request will be served as an attachment, when it will (also the last line of `text`). */
  inlineRefused?: string;
}

export interface Deliverer {
  readonly environment: string;
  readonly storage: Storage;
  /** Direct streams this deliverer is sending right now. */
  readonly inFlight: number;
  /** Validates, resolves the file, chooses a strategy and returns its plan. */
  deliver(request: DeliveryRequest, options: DeliverOptions): Promise<DeliveryResult>;
  /** The same resolution, but explains every rule instead of planning. */
  explain(request: DeliveryRequest, options: DeliverOptions): Promise<DeliveryExplanation>;
}
