/**
 * The adapter conformance kit against `deliver` of `@sendoff/core/node` in a plain node:http
 * server: directStream, and xAccel behind the real nginx its generated config runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from '@sendoff-tools/test-kit';
import { runServer } from '@sendoff-tools/web-servers';
import { isSendoffError } from '../errors/sendoff-error.js';
import { describeAdapterConformance, type ResolveDownload, type RunningApp } from '../testing/index.js';
import type { Deliverer } from '../deliverer/types.js';
import { deliver } from './index.js';

describeAdapterConformance({
  name: '@sendoff/core/node',
  serve: startApp,
  nginx: (strategy, upstream) => runServer({ server: 'nginx', strategy, upstream }),
});

describeAdapterConformance({
  name: '@sendoff/core/node, LocalStorage with a cache',
  serve: startApp,
  cache: { maxAgeMs: 60_000 },
});

/** A node:http app: what `resolve` names is delivered, anything else is a 404, errors render as their status. */
async function startApp(deliverer: Deliverer, resolve: ResolveDownload): Promise<RunningApp> {
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const options = resolve(req.url ?? '/');
    if (options === undefined) return renderError(undefined, res, 404);
    await deliver(req, res, deliverer, options);
  }
  return listen((req, res) => {
    void answer(req, res).catch((error: unknown) => renderError(error, res));
  });
}

/** What a node:http app does with a rejected delivery: the status and (exposed) message, or a broken connection after the head. */
function renderError(error: unknown, res: ServerResponse, fallback = 500): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const exposed = isSendoffError(error) && error.expose;
  res.statusCode = isSendoffError(error) ? error.status : fallback;
  if (exposed) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(exposed ? error.message : String(res.statusCode));
}
