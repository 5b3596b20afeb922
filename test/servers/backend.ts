/**
 * The Node application behind the real web servers in the integration tests: a Koa app that
 * resolves `/files/<percent-encoded key>?name=&disposition=` through a LocalStorage, lets a policy
 * choose (the offload strategy when it can serve the file, else directStream) and applies the
 * plan with the Koa adapter.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import { applyPlan, toDeliveryRequest } from '@sendoff/koa';
import {
  LocalStorage,
  SendoffError,
  createPolicy,
  directStream,
  validateKey,
  type DeliveryStrategy,
  type Disposition,
  type ResolvedFile,
  type Storage,
} from '@sendoff/core';

export interface Backend {
  port: number;
  /** What the policy chose for each delivered request, in order. */
  readonly decisions: Array<{ rule: string; strategy: string }>;
  stop(): Promise<void>;
}

export interface BackendOptions {
  root: string;
  /** The offload strategy; the policy falls back to directStream for files it cannot serve. */
  strategy: DeliveryStrategy;
  /** Extra headers the app puts on every download. */
  headers?: Record<string, string>;
  /** What the app reads the files through; default a LocalStorage over `root`. */
  storage?: Storage;
}

const FILES = '/files/';

export async function startBackend(options: BackendOptions): Promise<Backend> {
  const storage = options.storage ?? new LocalStorage({ root: options.root });
  const decisions: Backend['decisions'] = [];
  const direct = directStream();
  const policy = createPolicy({ rules: [{ name: 'offload', use: options.strategy.name }], fallback: direct.name }, [options.strategy, direct], ['local'], 'test');
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (!ctx.path.startsWith(FILES)) throw new SendoffError('NOT_FOUND', 'not found');
    const key = validateKey(decodePath(ctx.path.slice(FILES.length)));
    const stat = await storage.stat(key);
    const file: ResolvedFile = { key, stat, location: await storage.locate(key), open: (o) => storage.open(key, o) };
    const request = toDeliveryRequest(ctx);
    const { strategy, rule } = policy.choose({ environment: 'test', request, file, inFlight: 0 });
    decisions.push({ rule, strategy: strategy.name });
    const plan = await strategy.plan(request, file, {
      filename: String(ctx.query.name ?? key.split('/').pop()),
      disposition: ctx.query.disposition === 'inline' ? 'inline' : ('attachment' as Disposition),
      contentType: stat.contentType ?? 'application/octet-stream',
      headers: options.headers ?? {},
    });
    await applyPlan(ctx, plan);
  });
  const server = await listen(app);
  return {
    port: (server.address() as AddressInfo).port,
    decisions,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    throw new SendoffError('BAD_REQUEST', 'malformed percent-encoding', { cause: error });
  }
}

function listen(app: Koa): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
    server.once('error', reject);
  });
}
