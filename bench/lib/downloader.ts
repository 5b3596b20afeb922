/**
 * A concurrent HTTP downloader that reads every body to the end and counts bytes as they arrive:
 * the throughput is what a client really received, and a body shorter or longer than expected,
 * a non-2xx status or a connection error counts as a failure.
 */
import { setMaxListeners } from 'node:events';
import { Agent, get, type IncomingMessage } from 'node:http';

export interface DownloadPlan {
  url: string;
  /** Concurrent clients, each on its own keep-alive connection. */
  clients: number;
  /** Downloads per client (Infinity: until the deadline). */
  perClient: number;
  /** Hard time limit; downloads still running then are cut and counted as unfinished. */
  durationMs: number;
  /** The body length every response must have. */
  expectedSize: number;
  /** Stops the run early (e.g. a memory limit); downloads then running count as unfinished. */
  signal?: AbortSignal;
}

export interface DownloadReport {
  /** Body bytes received (unfinished downloads included). */
  bytes: number;
  elapsedMs: number;
  completed: number;
  non2xx: number;
  /** 2xx responses whose body length differed from the expected size. */
  mismatched: number;
  errors: number;
  /** Downloads cut by the deadline (or the plan's signal). */
  unfinished: number;
}

type Outcome = 'completed' | 'non2xx' | 'mismatched' | 'error' | 'unfinished';

/** Runs the plan and reports what the clients received. */
export async function runDownloads(plan: DownloadPlan): Promise<DownloadReport> {
  const report: DownloadReport = { bytes: 0, elapsedMs: 0, completed: 0, non2xx: 0, mismatched: 0, errors: 0, unfinished: 0 };
  const timeout = AbortSignal.timeout(plan.durationMs);
  const deadline = plan.signal ? AbortSignal.any([timeout, plan.signal]) : timeout;
  // Every running download listens to the deadline.
  setMaxListeners(plan.clients + 10, deadline);
  const started = performance.now();
  const clients = Array.from({ length: plan.clients }, () => runClient(plan, deadline, report));
  await Promise.all(clients);
  report.elapsedMs = performance.now() - started;
  return report;
}

async function runClient(plan: DownloadPlan, deadline: AbortSignal, report: DownloadReport): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let done = 0; done < plan.perClient && !deadline.aborted; done++) {
      const outcome = await downloadOne(plan, agent, deadline, (bytes) => (report.bytes += bytes));
      record(report, outcome);
    }
  } finally {
    agent.destroy();
  }
}

function record(report: DownloadReport, outcome: Outcome): void {
  if (outcome === 'completed') report.completed++;
  else if (outcome === 'non2xx') report.non2xx++;
  else if (outcome === 'mismatched') report.mismatched++;
  else if (outcome === 'error') report.errors++;
  else report.unfinished++;
}

function downloadOne(plan: DownloadPlan, agent: Agent, deadline: AbortSignal, onBytes: (n: number) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      resolve(deadline.aborted && outcome !== 'completed' ? 'unfinished' : outcome);
    };
    const request = get(plan.url, { agent, signal: deadline }, (response) => {
      readBody(response, plan.expectedSize, onBytes, settle);
    });
    request.on('error', () => settle('error'));
  });
}

function readBody(response: IncomingMessage, expectedSize: number, onBytes: (n: number) => void, settle: (o: Outcome) => void): void {
  let received = 0;
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    onBytes(chunk.length);
  });
  response.on('end', () => settle(outcomeOf(response.statusCode ?? 0, received, expectedSize)));
  response.on('error', () => settle('error'));
  response.on('aborted', () => settle('error'));
}

function outcomeOf(status: number, received: number, expectedSize: number): Outcome {
  if (status < 200 || status > 299) return 'non2xx';
  return received === expectedSize ? 'completed' : 'mismatched';
}

/** Failures of a report: everything but completed and deadline-cut downloads. */
export function failuresOf(report: DownloadReport): number {
  return report.non2xx + report.mismatched + report.errors;
}

/** Megabytes (10^6 bytes) per second received. */
export function megabytesPerSecond(report: DownloadReport): number {
  return report.elapsedMs > 0 ? report.bytes / 1e6 / (report.elapsedMs / 1000) : Number.NaN;
}
