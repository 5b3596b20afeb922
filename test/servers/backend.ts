/**
 * The Node application behind the real web servers in the integration tests: a Koa app that
 * delivers `/files/<percent-encoded key>?name=&disposition=` through a Deliverer over a
 * LocalStorage (the offload strategy when it can serve the file, else directStream; the inline
 * policy as configured), so every download passes the Deliverer's own checks, and that counts the
 * bytes of any `POST /upload`.
 */
import Koa from 'koa';
import { deliver } from '@sendoff/koa';
import { listen } from '@sendoff-tools/test-kit';
import {
  LocalStorage,
  SendoffError,
  createDelivery,
  directStream,
  type DeliveryConfig,
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
  /** The Deliverer's inline policy (default: sendoff's). */
  inline?: DeliveryConfig['inline'];
  /** What the app reads the files through; default a LocalStorage over `root`. */
  storage?: Storage;
}

const FILES = '/files/';
/** `POST` here: the app reads the whole body and answers 201 with the number of bytes it got. */
export const UPLOAD_PATH = '/upload';

export async function startBackend(options: BackendOptions): Promise<Backend> {
  const storage = options.storage ?? new LocalStorage({ root: options.root });
  const decisions: Backend['decisions'] = [];
  const direct = directStream();
  const deliverer = createDelivery({
    environment: 'test',
    storage,
    strategies: [options.strategy, direct],
    policy: { rules: [{ name: 'offload', use: options.strategy.name }], fallback: direct.name },
    ...(options.inline === undefined ? {} : { inline: options.inline }),
  });
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.method === 'POST' && ctx.path === UPLOAD_PATH) {
      ctx.status = 201;
      ctx.body = { received: await countBytes(ctx.req) };
      return;
    }
    if (!ctx.path.startsWith(FILES)) throw new SendoffError('NOT_FOUND', 'not found');
    const key = decodePath(ctx.path.slice(FILES.length));
    const { decision } = await deliver(ctx, deliverer, {
      key,
      filename: typeof ctx.query.name === 'string' ? ctx.query.name : undefined,
      disposition: ctx.query.disposition === 'inline' ? 'inline' : ('attachment' as Disposition),
      ...(typeof ctx.query.type === 'string' ? { contentType: ctx.query.type } : {}),
      headers: options.headers ?? {},
    });
    decisions.push({ rule: decision.rule, strategy: decision.strategy });
  });
  const { port, close } = await listen(app.callback());
  return { port, decisions, stop: close };
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    throw new SendoffError('BAD_REQUEST', 'malformed percent-encoding', { cause: error });
  }
}

async function countBytes(body: AsyncIterable<Buffer>): Promise<number> {
  let count = 0;
  for await (const chunk of body) count += chunk.length;
  return count;
}

