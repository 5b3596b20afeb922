/** How much load the direct-stream benchmark applies; the defaults keep a run under ~5 minutes. */
export interface DirectStreamSettings {
  /** Interleaved rounds (a, b, c, b, c, a, ...) per measurement; medians are reported. */
  rounds: number;
  /** Number of distinct 4 KiB files the request-rate runs cycle through. */
  smallCount: number;
  smallConnections: number;
  smallSeconds: number;
  /** Size of the large file, in bytes. */
  largeSize: number;
  largeConnections: number;
  largeSeconds: number;
  /** Concurrent clients of the memory run, each downloading the large file `rssPerClient` times. */
  rssClients: number;
  rssPerClient: number;
  /** Time limit of the memory run. */
  rssSeconds: number;
  /** Idle sampling before the memory run (its median is the baseline). */
  rssIdleMs: number;
  /** The memory run stops if the server's RSS grows beyond this (protects a shared machine). */
  rssLimitBytes: number;
}

export const defaultSettings: DirectStreamSettings = {
  rounds: 5,
  smallCount: 100,
  smallConnections: 32,
  smallSeconds: 5,
  largeSize: 64 * 2 ** 20,
  largeConnections: 4,
  largeSeconds: 4,
  rssClients: 50,
  rssPerClient: 1,
  rssSeconds: 30,
  rssIdleMs: 1000,
  rssLimitBytes: 4 * 2 ** 30,
};

/** A smoke run: same phases, a few seconds in all. */
export const quickSettings: DirectStreamSettings = {
  ...defaultSettings,
  rounds: 1,
  smallCount: 10,
  smallSeconds: 1,
  largeSize: 8 * 2 ** 20,
  largeSeconds: 1,
  rssClients: 10,
  rssSeconds: 10,
  rssIdleMs: 300,
};
