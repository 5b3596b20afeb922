/**
 * An HTTP proxy in front of the S3 server that holds every write (PUT, POST) until the test lets
 * the writes held so far through. Reads pass at once. Put between `sendoff migrate` and the store,
 * it makes the copy advance in steps the test controls, so downloads provably run while the copy
 * is under way and see the files land a few at a time.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const WRITES = new Set(['PUT', 'POST']);

export class WriteGate {
  /** Writes let through so far. */
  passed = 0;
  #held: Array<() => void> = [];
  #waiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  /** Listens on 127.0.0.1 (ephemeral port), forwarding to `upstream` (`http://host:port`). */
  static async start(upstream: string): Promise<WriteGate> {
    const target = new URL(upstream);
    let gate: WriteGate | undefined;
    const server = createServer((req, res) => void gate?.forward(req, res, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    gate = new WriteGate(server, `http://127.0.0.1:${port}`);
    return gate;
  }

  /** How many writes are waiting now. */
  get held(): number {
    return this.#held.length;
  }

  /** Resolves once at least one write is waiting. */
  whenHolding(): Promise<void> {
    if (this.#held.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Lets the writes waiting now through; later ones wait for the next call. */
  releaseHeld(): number {
    const released = this.#held.splice(0);
    for (const release of released) release();
    this.passed += released.length;
    return released.length;
  }

  async stop(): Promise<void> {
    this.releaseHeld();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async forward(req: IncomingMessage, res: ServerResponse, target: URL): Promise<void> {
    if (WRITES.has(req.method ?? '')) await this.#hold();
    // The Host header stays the gate's: the client signed it, and a real S3 checks the signature.
    const headers = { ...req.headers };
    delete headers.expect;
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => res.destroy());
    req.pipe(upstream);
  }

  #hold(): Promise<void> {
    return new Promise((resolve) => {
      this.#held.push(resolve);
      for (const waiter of this.#waiters.splice(0)) waiter();
    });
  }
}
