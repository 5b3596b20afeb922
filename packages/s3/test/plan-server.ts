/**
 * A bare node:http server that delivers `/<storage name>/<key>` with one strategy, as an adapter
 * would: neutral request (with an abort signal tied to the client connection), plan applied to
 * the response, SendoffErrors rendered with their status (message only when exposed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryPlan, DeliveryStrategy, Storage } from '@sendoff/core';
import { isSendoffError, validateKey } from '@sendoff/core';
import { downloadOptions, resolveFile } from './resolved-file.js';

export interface PlanServer {
  url: string;
  errors: unknown[];
  close(): Promise<void>;
}

export async function startPlanServer(storages: Record<string, Storage>, strategy: DeliveryStrategy): Promise<PlanServer> {
  const errors: unknown[] = [];
  const server: Server = createServer((req, res) => {
    handle(req, res, storages, strategy).catch((error: unknown) => {
      errors.push(error);
      renderError(res, error);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, storages: Record<string, Storage>, strategy: DeliveryStrategy) {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const [, storageName = '', ...rest] = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).split('/');
  const storage = storages[storageName];
  if (storage === undefined) throw Object.assign(new Error('no such storage'), { status: 404 });
  const file = await resolveFile(storage, validateKey(rest.join('/')));
  const request = { method: req.method ?? 'GET', headers: req.headers, signal: controller.signal };
  const plan = await strategy.plan(request, file, downloadOptions({ filename: rest.at(-1) ?? 'download' }));
  await applyPlan(res, plan, req.method === 'HEAD');
}

async function applyPlan(res: ServerResponse, plan: DeliveryPlan, isHead: boolean): Promise<void> {
  res.statusCode = plan.status;
  for (const [name, value] of Object.entries(plan.headers)) res.setHeader(name, value);
  if (plan.body === 'redirect') res.setHeader('Location', plan.location);
  if (plan.body !== 'stream' || isHead) {
    res.end();
    return;
  }
  const body = await plan.open();
  body.on('error', () => res.destroy());
  body.pipe(res);
}

function renderError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = isSendoffError(error) ? error.status : 500;
  const message = isSendoffError(error) && error.expose ? error.message : 'internal error';
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain');
  res.end(message);
}
