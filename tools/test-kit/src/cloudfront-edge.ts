/**
 * A stand-in for a CloudFront distribution whose origin is an S3 bucket, for tests: on
 * 127.0.0.1 at an ephemeral port, it refuses with 403 every request whose signed URL or signed
 * cookies `verifyCloudFrontRequest` does not accept, then fetches the object from the bucket as
 * Origin Access Control does (a SigV4-signed GetObject / HeadObject), passing on what the
 * documented cache policy lets through: the `response-*` query overrides, Range and the
 * conditional headers. It answers with S3's status, the headers a browser needs and the bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { KeyObject } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseCookie } from 'cookie';
import { listen, type Listening } from './listen.js';
import { verifyCloudFrontRequest, type CloudFrontVerdict } from './cloudfront-verify.js';

export interface CloudFrontEdgeOptions {
  /** The bucket behind the distribution. */
  client: S3Client;
  bucket: string;
  /** Trusted public keys (the key group) by id, PEM or KeyObject. */
  publicKeys: Readonly<Record<string, string | KeyObject>>;
  /** Clock in epoch milliseconds (default `Date.now`). */
  now?: () => number;
}

export interface CloudFrontEdge {
  /** `http://127.0.0.1:<port>`: the distribution URL. */
  url: string;
  /** The verdict on every request, in order. */
  verdicts: CloudFrontVerdict[];
  close(): Promise<void>;
}

/** Query parameters the documented cache policy includes in the cache key, so forwards to S3. */
const FORWARDED_QUERY: Readonly<Record<string, string>> = {
  'response-content-disposition': 'ResponseContentDisposition',
  'response-content-type': 'ResponseContentType',
  'response-cache-control': 'ResponseCacheControl',
  'response-content-language': 'ResponseContentLanguage',
  'response-expires': 'ResponseExpires',
};

const FORWARDED_HEADERS: Readonly<Record<string, string>> = {
  range: 'Range',
  'if-none-match': 'IfNoneMatch',
  'if-match': 'IfMatch',
  'if-modified-since': 'IfModifiedSince',
  'if-unmodified-since': 'IfUnmodifiedSince',
};

const RETURNED_HEADERS = ['content-type', 'content-length', 'content-range', 'content-disposition', 'content-language', 'cache-control', 'expires', 'etag', 'last-modified', 'accept-ranges'];

export async function startCloudFrontEdge(options: CloudFrontEdgeOptions): Promise<CloudFrontEdge> {
  const verdicts: CloudFrontVerdict[] = [];
  const now = options.now ?? Date.now;
  let base = '';
  const listening: Listening = await listen((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) answer(response, 502, 'Bad Gateway');
      else response.destroy();
    });
  });
  base = listening.url;

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 403, 'MethodNotAllowed');
    const verdict = verifyCloudFrontRequest(
      { url: `${base}${request.url ?? '/'}`, cookies: parseCookie(request.headers.cookie ?? ''), sourceIp: sourceIpOf(request) },
      options.publicKeys,
      now(),
    );
    verdicts.push(verdict);
    if (!verdict.valid) return answer(response, 403, 'AccessDenied');
    const objectKey = objectKeyOf(verdict.resource.slice(base.length));
    if (objectKey === undefined) return answer(response, 400, 'InvalidURI');
    await fromOrigin(request, response, objectKey, new URL(verdict.resource).searchParams);
  }

  async function fromOrigin(request: IncomingMessage, response: ServerResponse, objectKey: string, query: URLSearchParams): Promise<void> {
    const input: Record<string, string> = { Bucket: options.bucket, Key: objectKey };
    for (const [parameter, field] of Object.entries(FORWARDED_QUERY)) {
      const value = query.get(parameter);
      if (value !== null) input[field] = value;
    }
    for (const [header, field] of Object.entries(FORWARDED_HEADERS)) {
      const value = request.headers[header];
      if (typeof value === 'string') input[field] = value;
    }
    const head = request.method === 'HEAD';
    let output;
    try {
      output = head ? await options.client.send(new HeadObjectCommand(input as never)) : await options.client.send(new GetObjectCommand(input as never));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 502;
      if (status === 304) {
        response.writeHead(304);
        response.end();
        return;
      }
      return answer(response, status, status === 404 ? 'NotFound' : 'OriginError');
    }
    const raw = (output.$metadata as { httpStatusCode?: number }).httpStatusCode ?? 200;
    const headers = originHeaders(output as unknown as Record<string, unknown>);
    response.writeHead(raw, headers);
    const body = 'Body' in output ? (output.Body as Readable | undefined) : undefined;
    if (head || body === undefined) {
      body?.destroy();
      response.end();
      return;
    }
    await pipeline(body, response);
  }

  return {
    url: base,
    verdicts,
    close: () => listening.close(),
  };
}

/** The headers of an SDK output, as S3 sent them. */
function originHeaders(output: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, unknown> = {
    'content-type': output.ContentType,
    'content-length': output.ContentLength,
    'content-range': output.ContentRange,
    'content-disposition': output.ContentDisposition,
    'content-language': output.ContentLanguage,
    'cache-control': output.CacheControl,
    expires: output.ExpiresString,
    etag: output.ETag,
    'last-modified': output.LastModified instanceof Date ? output.LastModified.toUTCString() : undefined,
    'accept-ranges': output.AcceptRanges,
  };
  const headers: Record<string, string> = {};
  for (const name of RETURNED_HEADERS) {
    const value = fields[name];
    if (value !== undefined && value !== null && value !== '') headers[name] = String(value);
  }
  return headers;
}

/** The object key of a path: each segment percent-decoded; undefined for malformed encoding. */
function objectKeyOf(pathAndQuery: string): string | undefined {
  const path = pathAndQuery.split('?')[0] ?? '';
  try {
    return decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    return undefined;
  }
}

function sourceIpOf(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

/** An error answer with CloudFront's XML body (node:http leaves the body out on HEAD). */
function answer(response: ServerResponse, status: number, code: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`;
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}
