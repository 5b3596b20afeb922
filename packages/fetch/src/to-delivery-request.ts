import type { DeliveryRequest } from '@sendoff/core';

/**
 * The neutral request of a web `Request`: its method, its headers (the Headers API already
 * lower-cases the names and joins repeated ones with `, `) and its `signal`, which the server
 * (`@hono/node-server`, Next.js, Deno, Bun) aborts when the client goes away. The signal is read
 * on first access only: offload and redirect plans never need it, and some servers make it lazily.
 */
export function toDeliveryRequest(request: Request): DeliveryRequest {
  return {
    method: request.method,
    headers: headerRecord(request.headers),
    get signal(): AbortSignal {
      return request.signal;
    },
  };
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}
