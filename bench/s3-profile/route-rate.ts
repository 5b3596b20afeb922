/**
 * Request rate of one authenticated route with autocannon, bounded by time on a fixed number of
 * connections. Every answer must have the expected status (a 302 is not followed) and, for a 200,
 * the expected body length; anything else is counted as a failure, never as a fast request.
 */
import autocannon from 'autocannon';

export interface RouteRatePlan {
  origin: string;
  path: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  status: 200 | 302;
  /** Checked on 200 answers. */
  bodyLength?: number;
}

export interface RouteRate {
  requestsPerSecond: number;
  total: number;
  /** Answers with another status, wrong bodies, connection errors and time-outs. */
  failures: number;
}

export async function measureRouteRate(plan: RouteRatePlan): Promise<RouteRate> {
  const result = await autocannon({
    url: `${plan.origin}${plan.path}`,
    connections: plan.connections,
    duration: plan.durationSeconds,
    headers: plan.headers,
    verifyBody: (body) => plan.bodyLength === undefined || (body !== undefined && body.length === plan.bodyLength),
  });
  const matching = result.statusCodeStats?.[`${plan.status}`]?.count ?? 0;
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    // autocannon's `errors` already include its time-outs.
    failures: Math.max(0, result.requests.total - matching) + result.mismatches + result.errors,
  };
}
