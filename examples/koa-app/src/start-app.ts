import { promises as fsp } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { continueWithinLimit } from './http/continue-within-limit.js';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { installProbe, memoryLinkStore } from '@sendoff/core';
import { TYPES } from '@sendoff/inversify';
import { buildContainer } from './container.js';
import type { DeliveryListener } from './files/observe-deliveries.js';
import { APP_TYPES } from './app-types.js';
import { metricsTokenFrom } from './http/metrics-endpoint.js';
import { DeliveryMetrics } from './observe/delivery-metrics.js';
import { DownloadLog } from './observe/download-log.js';
import { watchDeliveries } from './observe/watch-deliveries.js';
import { createKoaApp } from './create-koa-app.js';
import { openDatabase } from './db/open-database.js';
import { DEFAULT_PROFILE, profileNamed } from './profiles/index.js';
import { publicUrlFrom, trustProxyFrom } from './public-url.js';
import { loadSecret } from './secret.js';
import { seedIfFresh } from './seed/seed.js';
import {
  DEFAULT_LINK_TTL_SECONDS,
  DEFAULT_MAX_LINK_TTL_SECONDS,
  DEFAULT_SESSION_TTL_SECONDS,
  DEFAULT_UPLOAD_LIMIT_BYTES,
  DOWNLOAD_LINK_TTL_SECONDS,
  maxRequestBodyBytes,
  type AppSettings,
} from './settings.js';

export interface StartAppOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  dataDir: string;
  /** A profile name (see src/profiles); default `dev`. */
  profile?: string;
  env?: Readonly<Record<string, string | undefined>>;
  uploadLimitBytes?: number;
  /** The base URL of links (default `PUBLIC_URL`; unset: the origin each request came to). */
  publicUrl?: string;
  /** Whether `X-Forwarded-Proto` / `X-Forwarded-Host` count (default `TRUST_PROXY=1`; else no). */
  trustProxy?: boolean;
  /** Where server-side failures are reported; default console.error. */
  log?: (...args: unknown[]) => void;
  /** Told the Deliverer's decision (rule, strategy) for every download it plans. */
  onDelivery?: DeliveryListener;
  /** Where the one JSON line per download goes (see src/observe/download-log.ts); default nowhere. */
  downloadLog?: (line: string) => void;
}

export interface RunningApp {
  /** The URL clients use (the front server's when the profile has one). */
  url: string;
  /** The app's own URL. */
  appUrl: string;
  /** The base URL of links when one is configured (`PUBLIC_URL`). */
  publicUrl?: string;
  profile: string;
  /** Whether this start seeded a fresh data directory. */
  seeded: boolean;
  /** Whether `GET /metrics` is on (`METRICS_TOKEN` set). */
  metrics: boolean;
  /** The profile's one-line description and what it started, for the person starting the app. */
  notes: string[];
  close(): Promise<void>;
}

/** Starts the example app: profile → Deliverer → container → seed → Koa on host:port (→ front server). */
export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const env = options.env ?? process.env;
  const dataDir = path.resolve(options.dataDir);
  const profile = profileNamed(options.profile ?? DEFAULT_PROFILE);
  const publicUrl = publicUrlFrom(options.publicUrl ?? env['PUBLIC_URL']);
  const trustProxy = options.trustProxy ?? trustProxyFrom(env['TRUST_PROXY']);
  await fsp.mkdir(dataDir, { recursive: true });
  const secret = await loadSecret(dataDir, env);
  const uploadLimitBytes = options.uploadLimitBytes ?? uploadLimitFrom(env);
  const metricsToken = metricsTokenFrom(env['METRICS_TOKEN']);
  const { config, front, close: closeProfile, notes = [], probe: probeTarget, linkStore = memoryLinkStore() } = await profile.createDelivery({
    dataDir,
    env,
    maxRequestBodyBytes: maxRequestBodyBytes(uploadLimitBytes),
  });
  const settings: AppSettings = {
    dataDir,
    uploadLimitBytes,
    maxLinkTtlSeconds: DEFAULT_MAX_LINK_TTL_SECONDS,
    defaultLinkTtlSeconds: DEFAULT_LINK_TTL_SECONDS,
    downloadLinkTtlSeconds: DOWNLOAD_LINK_TTL_SECONDS,
    sessionTtlSeconds: DEFAULT_SESSION_TTL_SECONDS,
    secret,
    ...(publicUrl === undefined ? {} : { publicUrl }),
    trustProxy,
    behindFrontServer: front !== undefined,
    ...(metricsToken === undefined ? {} : { metricsToken }),
  };
  const db = openDatabase(dataDir);
  let listening: Server | undefined;
  // Metrics and the download log hear every delivery through sendoff's diagnostics channels.
  const metrics = new DeliveryMetrics();
  const unwatch = watchDeliveries([metrics, new DownloadLog(options.downloadLog ?? (() => undefined))]);
  try {
    const container = buildContainer(config, settings, db, linkStore, options.onDelivery);
    container.bind(APP_TYPES.DeliveryMetrics).toConstantValue(metrics);
    const seeded = await seedIfFresh(container);
    // The probe's expectation names the strategy the Deliverer picks for it, so `sendoff doctor`
    // can tell a web server that really offloads from one that only proxies what the app streams.
    const deliverer = container.get(TYPES.Deliverer);
    const probe = await installProbe(probeTarget?.storage ?? container.get(TYPES.Storage), {
      key: probeTarget?.key,
      strategyFor: async (key) => (await deliverer.explain({ method: 'GET', headers: {} }, { key })).decision?.strategy,
    });
    // With a front server, HOST and PORT are the front server's: the app itself listens on a free
    // loopback port that only the front server uses, never on the public address.
    const host = options.host ?? '127.0.0.1';
    const handler = createKoaApp(container, probe, options.log).callback();
    const server = await listen(handler, front ? 0 : options.port, front ? '127.0.0.1' : host);
    server.on('checkContinue', continueWithinLimit(handler, maxRequestBodyBytes(uploadLimitBytes)));
    listening = server;
    const appUrl = urlOf(server);
    // The front server must deliver the probe file through the real path, or the start is refused.
    const appPort = (server.address() as AddressInfo).port;
    const url = front ? (await front.start({ appPort, probe, listen: { host, port: options.port } })).publicUrl : appUrl;
    return {
      url: url.replace(/\/+$/, ''),
      appUrl,
      ...(publicUrl === undefined ? {} : { publicUrl }),
      profile: profile.name,
      seeded,
      metrics: metricsToken !== undefined,
      notes: [...(profile.description ? [profile.description] : []), ...notes],
      close: async () => {
        await front?.stop();
        await closeServer(server);
        unwatch();
        db.close();
        await closeProfile?.();
      },
    };
  } catch (error) {
    // Stop what this start got to start: a refused start leaves no server or port behind.
    await front?.stop();
    if (listening) await closeServer(listening);
    unwatch();
    db.close();
    await closeProfile?.();
    throw error;
  }
}

function uploadLimitFrom(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env['UPLOAD_LIMIT_BYTES'];
  if (raw === undefined || raw === '') return DEFAULT_UPLOAD_LIMIT_BYTES;
  const value = /^[1-9][0-9]*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`UPLOAD_LIMIT_BYTES must be a positive integer in decimal digits, got "${raw}"`);
  return value;
}

async function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
