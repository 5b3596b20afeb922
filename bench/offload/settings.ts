/** How much load the offload benchmark applies; the defaults keep a run around four minutes. */
export interface OffloadSettings {
  /** Size of the large file, in bytes. */
  largeSize: number;
  /** Interleaved rounds of the throughput run (X-Accel, static, then static, X-Accel, ...). */
  throughputRounds: number;
  throughputClients: number;
  throughputSeconds: number;
  /** Interleaved rounds of the app-cost run (X-Accel route, resolve only, bare route). */
  costRounds: number;
  costConnections: number;
  costSeconds: number;
  /** Interleaved rounds of the latency run (idle, X-Accel, direct stream). */
  latencyRounds: number;
  /** Clients downloading the large file over and over while the JSON route is measured. */
  latencyDownloaders: number;
  /** Time the downloads run before the JSON route is measured. */
  latencyWarmupMs: number;
  latencySeconds: number;
  /** autocannon connections and overall request rate on the JSON route (a light, fixed load). */
  latencyConnections: number;
  latencyRate: number;
}

export const defaultSettings: OffloadSettings = {
  largeSize: 256 * 2 ** 20,
  throughputRounds: 5,
  throughputClients: 4,
  throughputSeconds: 5,
  costRounds: 5,
  costConnections: 16,
  costSeconds: 5,
  latencyRounds: 5,
  latencyDownloaders: 32,
  latencyWarmupMs: 1500,
  latencySeconds: 6,
  latencyConnections: 4,
  latencyRate: 200,
};

/** A smoke run: same phases, a few seconds each. */
export const quickSettings: OffloadSettings = {
  ...defaultSettings,
  largeSize: 16 * 2 ** 20,
  throughputRounds: 1,
  throughputSeconds: 1,
  costRounds: 1,
  costSeconds: 1,
  latencyRounds: 1,
  latencyWarmupMs: 500,
  latencySeconds: 1,
};
