/**
 * A real node:http server that answers every request with a `DeliveryPlan` through the node:http
 * adapter (`@sendoff/core/node`), rendering errors as a plain-text answer: used to run the
 * conformance kit against strategies without a framework. Listens on 127.0.0.1 with an ephemeral
 * port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryPlan, DeliveryRequest } from '../contracts.js';
import { isSendoffError } from '../errors/sendoff-error.js';
import { applyPlan, toDeliveryRequest } from '../node/index.js';

export type PlanHandler = (request: DeliveryRequest, url: URL) => DeliveryPlan | Promise<DeliveryPlan>;

export interface PlanServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  readonly server: Server;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 applying what `handler` plans for each request. */
export async function createPlanServer(handler: PlanHandler): Promise<PlanServer> {
  const server = createServer((req, res) => void answer(handler, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    close: () => closeServer(server),
  };
}

async function answer(handler: PlanHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const plan = await handler(toDeliveryRequest(req, res), url);
    await applyPlan(plan, req, res);
  } catch (error) {
    renderError(error, res);
  }
}

/** An exposed SendoffError shows its status, headers and message; anything else is a bare 500. */
function renderError(error: unknown, res: ServerResponse): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const exposed = isSendoffError(error) && error.expose;
  const status = exposed ? error.status : 500;
  const message = exposed ? error.message : 'Internal Server Error';
  res.statusCode = status;
  if (exposed) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(message)));
  res.end(message);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
