/**
 * sendoff in a Next.js route handler: `GET /files/<key>` sends a file of FILES_ROOT to a client
 * that shows the download token. Range, HEAD, 304 and the rest come from the Deliverer; a refusal
 * (a bad key: 400, a missing file: 404) becomes its Response through `errorResponse`.
 */
import { createDelivery, directStream, LocalStorage } from '@sendoff/core';
import { deliverResponse, errorResponse } from '@sendoff/fetch';

// LocalStorage reads node:fs: the Node.js runtime, never the edge one.
export const runtime = 'nodejs';

const token = process.env['DOWNLOAD_TOKEN'] ?? 'let-me-in';
const deliverer = createDelivery({
  storage: new LocalStorage({ root: process.env['FILES_ROOT'] ?? 'files' }),
  strategies: [directStream()],
  policy: { rules: [], fallback: 'directStream' },
});

export async function GET(request: Request, { params }: { params: Promise<{ key: string[] }> }): Promise<Response> {
  // Your permission check: who may download this key.
  if (request.headers.get('authorization') !== `Bearer ${token}`) return new Response('Unauthorized', { status: 401 });
  const { key } = await params;
  try {
    return await deliverResponse(request, deliverer, { key: key.join('/') });
  } catch (error) {
    return errorResponse(error);
  }
}
