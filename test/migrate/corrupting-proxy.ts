/**
 * An HTTP proxy in front of s3rver that hands back altered bytes for chosen objects (as a faulty
 * disk, cache or middlebox would), so the tests see what the migration does when the store does not
 * return what was uploaded. It also counts the uploads per object key, can hold each upload a while
 * (so concurrent uploads really overlap) while it tracks how many are in flight, and can start
 * refusing writes (403 AccessDenied) after a number of them, as a store whose policy changes
 * mid-run would.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

/** One upload request (a single PutObject or an UploadPart) as the proxy saw it. */
export interface WriteEvent {
  /** Object path, `/bucket/key`. */
  path: string;
  /** Whether it is an UploadPart of a multipart upload. */
  part: boolean;
  /** Status the store answered (403 when the proxy refused it itself). */
  status: number;
}

export class CorruptingProxy {
  /** Object path (`/bucket/key`) → how many more GETs of it to corrupt (Infinity: all). */
  readonly corrupt = new Map<string, number>();
  /** Object path → how many more uploads (PUT bodies) of it to corrupt on their way in. */
  readonly corruptUploads = new Map<string, number>();
  /** Object path → PUT requests seen (single uploads and parts). */
  readonly puts = new Map<string, number>();
  /** Object path → UploadPart requests the store answered 200. */
  readonly partsDone = new Map<string, number>();
  /** Pause before an upload (PUT) is passed on, in milliseconds: uploads overlap for real. */
  holdUploadsMs = 0;
  /** PUTs passed on to the store before the proxy answers every further PUT 403 AccessDenied. */
  refuseWritesAfter: number | undefined;
  /** PUTs passed on to the store so far. */
  writesPassed = 0;
  /** PUTs (single uploads and parts) received and not yet answered. */
  inFlight = 0;
  /** The highest `inFlight` seen. */
  maxInFlight = 0;
  /** Called as each upload is answered, before the client gets the answer. */
  onWriteAnswered: ((event: WriteEvent) => void) | undefined;
  endpoint = '';
  private server: Server | undefined;

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'PUT') {
      this.forward(req, res);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://proxy');
    const path = decodeURIComponent(url.pathname);
    const part = url.searchParams.has('partNumber');
    this.puts.set(path, (this.puts.get(path) ?? 0) + 1);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let answered = false;
    const settle = (status: number): void => {
      if (answered) return;
      answered = true;
      this.inFlight--;
      if (part && status === 200) this.partsDone.set(path, (this.partsDone.get(path) ?? 0) + 1);
      this.onWriteAnswered?.({ path, part, status });
    };
    res.on('close', () => settle(0));
    req.pause();
    setTimeout(() => {
      if (answered) {
        req.destroy();
        return;
      }
      if (this.isRefusing()) {
        refuse(req, res, settle);
        return;
      }
      this.writesPassed++;
      this.forward(req, res, settle);
    }, this.holdUploadsMs);
  }

  private isRefusing(): boolean {
    return this.refuseWritesAfter !== undefined && this.writesPassed >= this.refuseWritesAfter;
  }

  private forward(req: IncomingMessage, res: ServerResponse, beforeAnswer?: (status: number) => void): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://proxy').pathname);
    const target = new URL(req.url ?? '/', this.upstream);
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      beforeAnswer?.(answer.statusCode ?? 502);
      if (req.method === 'GET' && takeOne(this.corrupt, path) && answer.statusCode === 200) {
        this.sendCorrupted(answer, res);
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    // A client that goes away (killed, say) takes its upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
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

/** Answers 403 AccessDenied the way S3 does, once the request body has been read. */
function refuse(req: IncomingMessage, res: ServerResponse, beforeAnswer: (status: number) => void): void {
  req.resume();
  req.on('end', () => {
    beforeAnswer(403);
    const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>PROXY</RequestId></Error>';
    res.writeHead(403, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
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
