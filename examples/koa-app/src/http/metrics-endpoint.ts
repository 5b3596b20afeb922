/**
 * `GET /metrics`: the Prometheus text of the app's delivery metrics, for a scraper holding the
 * `METRICS_TOKEN` (as `Authorization: Bearer <token>`). The token is compared in constant time;
 * without it the answer is a 401 that says nothing of the metrics. Without `METRICS_TOKEN` the
 * route does not exist (404), whatever the client and whatever the profile's front server.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { DeliveryMetrics } from '../observe/delivery-metrics.js';
import { AppError } from './app-error.js';
import { bearerToken } from '../auth/bearer-token.js';

/** Shortest `METRICS_TOKEN` accepted: a scrape token is a secret, not a password to remember. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

export function metricsEndpoint(metrics: DeliveryMetrics, token: string): (ctx: Context) => Promise<void> {
  const expected = digest(token);
  return async (ctx) => {
    const presented = bearerToken(ctx.get('Authorization'));
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new AppError('UNAUTHORIZED', 'the metrics need the scrape token', 401, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.contentType;
    ctx.body = await metrics.text();
  };
}

/** `METRICS_TOKEN` as the app uses it: unset or empty turns the endpoint off; too short refuses the start. */
export function metricsTokenFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(raw)) {
    throw new Error(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters without spaces`);
  }
  return raw;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
