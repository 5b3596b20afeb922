/**
 * An HTTP proxy that counts what passes: put between a client (an app, an SDK) and a server (an
 * S3 API server), it forwards every request as it came (method, path, headers, body) and records
 * each one, so a test can say how many requests a download cost the app.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { listen } from './listen.js';

/** One request the proxy passed on. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
}

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give the client instead of the server's. */
  url: string;
  /** Every request passed on since the start (or the last `reset`), in order of arrival. */
  readonly requests: readonly ProxiedRequest[];
  /** Forgets the requests seen so far. */
  reset(): void;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

/** A counting proxy on 127.0.0.1 at an ephemeral port, in front of `upstream` (`http://host:port`). */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  let requests: ProxiedRequest[] = [];
  const listening = await listen((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/' });
    forward(target, req, res);
  });
  return {
    url: listening.url,
    get requests() {
      return requests;
    },
    reset() {
      requests = [];
    },
    close: () => listening.close(),
  };
}

function forward(target: URL, req: IncomingMessage, res: ServerResponse): void {
  const outgoing = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
    pipeline(answer, res, () => undefined);
  });
  outgoing.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  pipeline(req, outgoing, () => undefined);
}
