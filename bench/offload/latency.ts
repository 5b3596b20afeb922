/**
 * Latency of one route under a light, fixed load: autocannon sends the requests (few connections,
 * an overall rate) and every 2xx response time is kept at full precision from its `response`
 * events (its own histogram rounds to whole milliseconds, too coarse for an idle p50). A body
 * that fails `verifyBody` counts as a mismatch, not as a fast answer.
 */
import autocannon from 'autocannon';
import { percentile } from '../lib/stats.js';

export interface LatencyPlan {
  url: string;
  connections: number;
  /** Requests per second over all connections. */
  rate: number;
  durationSeconds: number;
  verifyBody: (body: string) => boolean;
}

export interface LatencyReport {
  /** Response times of the 2xx answers, in milliseconds, in arrival order. */
  samples: number[];
  p50: number;
  p99: number;
  non2xx: number;
  mismatched: number;
  errors: number;
  timeouts: number;
}

export async function measureLatency(plan: LatencyPlan): Promise<LatencyReport> {
  const samples: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: plan.url,
        connections: plan.connections,
        overallRate: plan.rate,
        duration: plan.durationSeconds,
        verifyBody: (body) => typeof body === 'string' && plan.verifyBody(body),
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status <= 299) samples.push(responseTime);
    });
  });
  return {
    samples,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    non2xx: result.non2xx,
    mismatched: result.mismatches,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Everything that is not a correct 2xx answer. */
export function latencyFailuresOf(report: LatencyReport): number {
  return report.non2xx + report.mismatched + report.errors + report.timeouts;
}
