/**
 * directStream: the Node process sends the bytes itself, from any storage. It answers Range and
 * conditional requests (see docs/http-semantics.md); 304, 412, 416 and 405 come back as plans
 * with an empty body (not thrown), so their headers (`Content-Range: bytes *\/size`, `Allow`) go out.
 * The body stream delivers exactly the announced length or fails (see exact-length.ts).
 */
import type {
  ByteRange,
  DeliveryPlan,
  DeliveryRequest,
  DeliveryStrategy,
  ResolvedDeliveryOptions,
  ResolvedFile,
} from '../contracts.js';
import { contentDisposition } from '../http/content-disposition.js';
import { evaluateConditions, isRangeFresh, type Validators } from '../http/conditional.js';
import { etagOf } from '../http/etag.js';
import { singleHeader } from '../http/headers.js';
import { formatHttpDate } from '../http/http-date.js';
import { isHeadMethod, isReadMethod, methodNotAllowed } from '../http/method.js';
import { contentRange, rangeLength, selectRange, type RangeSelection } from '../http/range.js';
import { exactLength } from './exact-length.js';

export interface DirectStreamOptions {
  /** Strategy name used by policies and reported in plans. Default `directStream`. */
  name?: string;
  /** `Cache-Control` for downloads whose options do not set one. */
  cacheControl?: string;
}

/** Headers the strategy computes itself; an app header of the same name is ignored. */
const MANAGED_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-range',
  'content-disposition',
  'etag',
  'last-modified',
  'accept-ranges',
  'allow',
]);

type Headers = Record<string, string>;

export function directStream(options: DirectStreamOptions = {}): DeliveryStrategy {
  const name = options.name ?? 'directStream';
  return {
    name,
    locationKinds: ['local', 's3'],
    canServe: () => true,
    plan: async (request, file, resolved) => planDownload(name, options.cacheControl, request, file, resolved),
  };
}

function planDownload(
  strategy: string,
  cacheControl: string | undefined,
  request: DeliveryRequest,
  file: ResolvedFile,
  options: ResolvedDeliveryOptions,
): DeliveryPlan {
  const common = commonHeaders(options.headers, cacheControl);
  if (!isReadMethod(request.method)) {
    return methodNotAllowed(strategy, common);
  }
  const validators = validatorsOf(file);
  const outcome = evaluateConditions(request.headers, validators);
  if (outcome === 'precondition-failed') return emptyPlan(strategy, 412, { ...common, 'Content-Length': '0' });
  const cacheHeaders = { ...common, ...validatorHeaders(validators) };
  if (outcome === 'not-modified') return emptyPlan(strategy, 304, cacheHeaders);

  const size = file.stat.size;
  const selection = rangeToServe(request, size, validators);
  if (selection.kind === 'unsatisfiable') {
    return emptyPlan(strategy, 416, {
      ...common,
      'Accept-Ranges': 'bytes',
      'Content-Range': contentRange(size),
      'Content-Length': '0',
    });
  }
  const range = selection.kind === 'partial' ? selection.range : undefined;
  const length = range ? rangeLength(range) : size;
  const headers: Headers = {
    ...cacheHeaders,
    'Content-Type': options.contentType,
    'Content-Length': String(length),
    'Content-Disposition': contentDisposition(options.filename, options.disposition),
    'Accept-Ranges': 'bytes',
    ...(range ? { 'Content-Range': contentRange(size, range) } : {}),
  };
  const status = range ? 206 : 200;
  if (isHeadMethod(request.method)) return emptyPlan(strategy, status, headers);
  return { strategy, status, headers, body: 'stream', length, open: async () => exactLength(await openBody(request, file, range), length) };
}

function rangeToServe(request: DeliveryRequest, size: number, validators: Validators): RangeSelection {
  const selection = selectRange(singleHeader(request.headers, 'range'), size);
  if (selection.kind === 'full' || isRangeFresh(request.headers, validators)) return selection;
  return { kind: 'full' };
}

function openBody(request: DeliveryRequest, file: ResolvedFile, range: ByteRange | undefined) {
  return file.open({
    ...(range ? { range } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
}

function validatorsOf(file: ResolvedFile): Required<Validators> {
  return { etag: etagOf(file.stat), lastModified: formatHttpDate(file.stat.mtime) };
}

function validatorHeaders(validators: Required<Validators>): Headers {
  return { ETag: validators.etag, 'Last-Modified': validators.lastModified };
}

/** App headers (minus the managed ones), with the strategy's Cache-Control unless the app set one. */
function commonHeaders(appHeaders: Headers, cacheControl: string | undefined): Headers {
  const headers: Headers = {};
  for (const [headerName, value] of Object.entries(appHeaders)) {
    if (!MANAGED_HEADERS.has(headerName.toLowerCase())) headers[headerName] = value;
  }
  const hasCacheControl = Object.keys(headers).some((headerName) => headerName.toLowerCase() === 'cache-control');
  if (cacheControl !== undefined && !hasCacheControl) headers['Cache-Control'] = cacheControl;
  return headers;
}

function emptyPlan(strategy: string, status: number, headers: Headers): DeliveryPlan {
  return { strategy, status, headers, body: 'empty' };
}
