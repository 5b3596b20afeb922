/** How much load the S3 profile benchmark applies; the defaults keep a run under three minutes. */
export interface S3ProfileSettings {
  /** Interleaved rounds (dev, s3 redirect, s3 proxy, then s3 redirect, s3 proxy, dev, ...). */
  rounds: number;
  /** autocannon connections and duration of one measurement. */
  connections: number;
  seconds: number;
  /** A short unmeasured load on every app before the first round (JIT, connection pools). */
  warmupSeconds: number;
}

export const defaultSettings: S3ProfileSettings = {
  rounds: 5,
  connections: 16,
  seconds: 6,
  warmupSeconds: 2,
};

/** A smoke run: same steps, a second each. */
export const quickSettings: S3ProfileSettings = {
  rounds: 1,
  connections: 8,
  seconds: 1,
  warmupSeconds: 1,
};
