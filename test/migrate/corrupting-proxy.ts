/**
 * An HTTP proxy in front of s3rver that hands back altered bytes for chosen objects (as a faulty
 * disk, cache or middlebox would), so the tests see what the migration does when the store does not
 * return what was uploaded. It also counts the uploads per object key.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

export class CorruptingProxy {
  /** Object path (`/bucket/key`) → how many more GETs of it to corrupt (Infinity: all). */
  readonly corrupt = new Map<string, number>();
  /** Object path → how many more uploads (PUT bodies) of it to corrupt on their way in. */
  readonly corruptUploads = new Map<string, number>();
  /** Object path → PUT requests seen (single uploads and parts). */
  readonly puts = new Map<string, number>();
  endpoint = '';
  private server: Server | undefined;

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.forward(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://proxy').pathname);
    if (req.method === 'PUT') this.puts.set(path, (this.puts.get(path) ?? 0) + 1);
    const target = new URL(req.url ?? '/', this.upstream);
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      if (req.method === 'GET' && takeOne(this.corrupt, path) && answer.statusCode === 200) {
        this.sendCorrupted(answer, res);
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    if (req.method === 'PUT' && takeOne(this.corruptUploads, path)) req.pipe(flipFirstByte()).pipe(upstream);
    else req.pipe(upstream);
  }

  /** Same length, same headers, one byte flipped. */
  private sendCorrupted(answer: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => chunks.push(chunk));
    answer.on('end', () => {
      const body = Buffer.concat(chunks);
      if (body.length > 0) body[0] = (body[0] ?? 0) ^ 0xff;
      res.writeHead(answer.statusCode ?? 200, answer.headers);
      res.end(body);
    });
  }
}

/** Whether `counts` still has a corruption to spend on `path` (and spends it). */
function takeOne(counts: Map<string, number>, path: string): boolean {
  const left = counts.get(path) ?? 0;
  if (left <= 0) return false;
  counts.set(path, left - 1);
  return true;
}

function flipFirstByte(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (first && chunk.length > 0) {
        first = false;
        const copy = Buffer.from(chunk);
        copy[0] = (copy[0] ?? 0) ^ 0xff;
        callback(null, copy);
        return;
      }
      callback(null, chunk);
    },
  });
}
