/**
 * Before anything is measured, every path must give the right answer, so the benchmark cannot
 * measure errors: the large file byte for byte through nginx X-Accel, nginx static and the app's
 * direct stream (and no delivery header reaching the client); the app's own X-Accel answer and
 * the bare route as the empty 200 + header nginx expects; the JSON route; 404s where due.
 */
import { request, type HttpResponse } from '@sendoff-tools/test-kit';
import { sha256 } from '../direct-stream/fixtures.js';
import type { OffloadFixtures } from './fixtures.js';
import { BARE_ACCEL_TARGET, INTERNAL_PREFIX, ROUTES, STATIC_PREFIX, pathOf } from './routes.js';

export interface Origins {
  /** nginx in front of the app. */
  nginx: string;
  /** The app itself. */
  app: string;
}

type Check = (response: HttpResponse) => string | undefined;

/** Throws one error listing every path that answered wrongly. */
export async function verifyPaths(origins: Origins, fixtures: OffloadFixtures): Promise<void> {
  const key = fixtures.largeKey;
  const file = isWholeFile(fixtures);
  const checks: Array<[string, Check]> = [
    [origins.nginx + pathOf(ROUTES.accel, key), file],
    [origins.nginx + pathOf(STATIC_PREFIX, key), file],
    [origins.app + pathOf(ROUTES.direct, key), file],
    [origins.app + pathOf(ROUTES.accel, key), isOffloadAnswer(INTERNAL_PREFIX + key)],
    [origins.app + ROUTES.bare, isOffloadAnswer(BARE_ACCEL_TARGET)],
    [origins.app + pathOf(ROUTES.resolve, key), isOffloadAnswer(BARE_ACCEL_TARGET)],
    [origins.app + pathOf(ROUTES.resolve, 'large/missing.bin'), isNotFound],
    [origins.app + ROUTES.status, isStatusJson],
    [origins.nginx + ROUTES.status, isStatusJson],
    [origins.nginx + pathOf(INTERNAL_PREFIX, key), isNotFound],
    [origins.nginx + pathOf(ROUTES.accel, 'large/missing.bin'), isNotFound],
    [origins.app + pathOf(ROUTES.direct, 'large/missing.bin'), isNotFound],
  ];
  const problems: string[] = [];
  for (const [url, check] of checks) {
    const problem = check(await request(url));
    if (problem !== undefined) problems.push(`GET ${url}: ${problem}`);
  }
  if (problems.length > 0) throw new Error(`pre-run verification failed:\n  ${problems.join('\n  ')}`);
}

function isWholeFile(fixtures: OffloadFixtures): Check {
  const digest = fixtures.digests.get(fixtures.largePath);
  return (response) => {
    if (response.status !== 200) return `status ${response.status}, expected 200`;
    if (response.headers['content-length'] !== String(fixtures.largeSize)) return `Content-Length ${response.headers['content-length']}, expected ${fixtures.largeSize}`;
    if (response.body.length !== fixtures.largeSize) return `${response.body.length} body bytes, expected ${fixtures.largeSize}`;
    if (sha256(response.body) !== digest) return 'body differs from the file';
    return leakedDeliveryHeader(response);
  };
}

function isOffloadAnswer(target: string): Check {
  return (response) => {
    if (response.status !== 200) return `status ${response.status}, expected 200`;
    if (response.body.length !== 0) return `${response.body.length} body bytes, expected none`;
    if (response.headers['x-accel-redirect'] !== target) return `X-Accel-Redirect ${response.headers['x-accel-redirect']}, expected ${target}`;
    return undefined;
  };
}

function isStatusJson(response: HttpResponse): string | undefined {
  if (response.status !== 200) return `status ${response.status}, expected 200`;
  if (!/^application\/json/.test(response.headers['content-type'] ?? '')) return `Content-Type ${response.headers['content-type']}`;
  return isStatusBody(response.body.toString('utf8')) ? undefined : 'not the status JSON';
}

/** Whether a body is the JSON route's answer. */
export function isStatusBody(body: string): boolean {
  try {
    return (JSON.parse(body) as { status?: unknown }).status === 'ok';
  } catch {
    return false;
  }
}

function isNotFound(response: HttpResponse): string | undefined {
  if (response.status !== 404) return `status ${response.status}, expected 404`;
  return leakedDeliveryHeader(response);
}

function leakedDeliveryHeader(response: HttpResponse): string | undefined {
  const leaked = Object.keys(response.headers).filter((name) => name.startsWith('x-accel-'));
  return leaked.length > 0 ? `delivery header(s) reached the client: ${leaked.join(', ')}` : undefined;
}
