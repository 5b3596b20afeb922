import type { DeliveryConfig, Probe, Storage } from '@sendoff/core';

/** What a profile may look at when it builds a deployment. */
export interface ProfileContext {
  /** The app's data directory (absolute). Local files live under `<dataDir>/files`. */
  dataDir: string;
  /** The environment variables the app was started with. */
  env: Readonly<Record<string, string | undefined>>;
  /** The largest request body the app accepts, in bytes: a front server refuses larger ones itself. */
  maxRequestBodyBytes: number;
}

/** A web server started in front of the app (nginx, Apache, Caddy…), when the profile needs one. */
export interface FrontServer {
  /**
   * Starts it on `listen` (the app's HOST and PORT; port 0 picks a free one), proxying to the app
   * on 127.0.0.1:`appPort`, and checks it delivers the app's probe file (`verifyFrontServer`);
   * resolves to the URL clients use, or rejects with the cause and the fix (the caller then stops it).
   */
  start(options: { appPort: number; probe: Probe; listen: { host: string; port: number } }): Promise<{ publicUrl: string }>;
  stop(): Promise<void>;
}

/**
 * A deployment profile: how files are stored and delivered. Handlers never change with the
 * profile; only the DeliveryConfig (and maybe a front server) does.
 */
export interface Profile {
  name: string;
  /** One line shown at start-up. */
  description?: string;
  createDelivery(ctx: ProfileContext): Promise<ProfileDeployment>;
}

/** What a profile starts: the delivery config, maybe a front server, maybe resources to release. */
export interface ProfileDeployment {
  config: DeliveryConfig;
  /** A web server in front of the app: it takes the public port, the app a free one. */
  front?: FrontServer;
  /**
   * Where the probe file goes when not into `config.storage` under the default key: the front
   * server must be checked with a file it is the one to serve.
   */
  probe?: { storage: Storage; key: string };
  /** Releases what the profile started besides a front server (e.g. a local S3 server). */
  close?(): Promise<void>;
  /** Lines to tell the person starting the app (e.g. that a local S3 server was started). */
  notes?: string[];
}
