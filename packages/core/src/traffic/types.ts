/**
 * Traffic: what the policy's traffic conditions read. A `TrafficSource` counts direct streams,
 * downloads and bytes; the in-process one (`localTraffic`) is always there, a fleet-wide one (e.g.
 * `redisTraffic` from `@sendoff/redis`) is optional and only read when a rule asks for fleet facts.
 */

/** Traffic at one moment: streams in flight now, and rates over a sliding window. */
export interface TrafficSnapshot {
  /** Direct streams in flight. */
  streams: number;
  /** Downloads (deliveries planned) per second over the window. */
  downloadsPerSecond: number;
  /** Bytes per second over the window (the size each plan sends: the web server's or S3's bytes too). */
  bytesPerSecond: number;
}

/** Where traffic is counted: this process, or a store every process of the fleet shares. */
export interface TrafficSource {
  /** Shown in explanations: `local`, `redis`. */
  readonly name: string;
  /**
   * How long a download may wait for `snapshot()`; past it the Deliverer decides on this process's
   * own counters and says so. Default `DEFAULT_TRAFFIC_TIMEOUT_MS`.
   */
  readonly timeoutMs?: number;
  /** A direct stream of this process started. Never throws, never blocks. */
  streamStarted(): void;
  /** A direct stream of this process ended (finished, failed or cut short). Never throws, never blocks. */
  streamEnded(): void;
  /** This process planned a download that sends `bytes` (0 for HEAD, 304, 412). Never throws, never blocks. */
  recordDownload(bytes: number): void;
  /** The traffic this source sees (for a fleet source, every process's together). */
  snapshot(): Promise<TrafficSnapshot> | TrafficSnapshot;
}

/** The traffic facts a decision was made on. */
export interface TrafficFacts {
  /** This process. */
  process: TrafficSnapshot;
  /** The fleet: the fleet source's answer, or this process's counters when there is none or it failed. */
  fleet: TrafficSnapshot;
  /** Where the fleet numbers come from: `local`, `redis`, or `local (redis unavailable)`. */
  source: string;
  /** True when a fleet source was asked and did not answer in time (or failed). */
  fallback: boolean;
}

/** What a decision says of the traffic it was made on (present when a rule asked for fleet facts). */
export interface TrafficVerdict {
  source: string;
  fallback: boolean;
}

/** Default bound on reading a fleet source, in milliseconds. */
export const DEFAULT_TRAFFIC_TIMEOUT_MS = 50;
