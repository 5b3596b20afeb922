/**
 * Request rate of small files with autocannon (programmatic, bounded by time, fixed connections).
 * Each connection cycles through the given paths; every body is checked for its length, so a
 * short or wrong body counts as a mismatch rather than as a fast request.
 */
import autocannon from 'autocannon';

export interface RatePlan {
  origin: string;
  paths: readonly string[];
  connections: number;
  durationSeconds: number;
  /** Length every body must have (bodies are ASCII, so characters equal bytes). */
  expectedLength: number;
}

export interface RateReport {
  /** Mean requests per second over the run. */
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  mismatched: number;
  errors: number;
  timeouts: number;
}

export async function measureRequestRate(plan: RatePlan): Promise<RateReport> {
  const result = await autocannon({
    url: plan.origin,
    connections: plan.connections,
    duration: plan.durationSeconds,
    requests: plan.paths.map((path) => ({ method: 'GET', path })),
    verifyBody: (body) => body !== undefined && body.length === plan.expectedLength,
  });
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    mismatched: result.mismatches,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Everything that is not a correct 2xx answer. */
export function rateFailuresOf(report: RateReport): number {
  return report.non2xx + report.mismatched + report.errors + report.timeouts;
}
