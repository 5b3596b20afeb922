/** A client that goes away in the middle of a download. */
import http from 'node:http';

export interface Abandoned {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body bytes received before the connection was destroyed. */
  bytes: number;
}

/** GETs `url` (no connection reuse), reads at least `atLeast` bytes of the body, then destroys the connection. */
export function readThenAbandon(url: string, atLeast: number, headers: Record<string, string> = {}): Promise<Abandoned> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes < atLeast) return;
        res.pause();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes });
      });
      res.on('end', () => reject(new Error(`${url}: the body ended after ${bytes} bytes, before ${atLeast}`)));
      res.on('error', () => undefined);
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
  });
}
