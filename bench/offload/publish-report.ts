/** The `## Offload: publishing deliveries` section of bench/RESULTS.md, from one run. */
import { rateFailuresOf } from '../lib/request-rate.js';
import { runContext } from '../lib/run-context.js';
import { formatNumber, median, ratio } from '../lib/stats.js';
import { cpuMicrosPerRequest, type AppCostRound } from './phases.js';
import { PUBLISHING, type PublishResults } from './publish-cost.js';

export const PUBLISH_HEADING = 'Offload: publishing deliveries (diagnostics channels)';

export function renderPublishCost(run: PublishResults, command: string): string {
  const rounds = (name: string) => run.rounds.get(name) ?? [];
  const [baseline, none, subscriber] = [rounds(PUBLISHING.baseline), rounds(PUBLISHING.none), rounds(PUBLISHING.subscriber)];
  const s = run.settings;
  return [
    `## ${PUBLISH_HEADING}`,
    '',
    ...runContext(run, command),
    '',
    `Set-up: one app (Koa + \`@sendoff/koa\` \`deliver()\` over a \`LocalStorage\`, policy "xAccel in production"), three processes:`,
    `on the core of the baseline commit \`${run.baselineCommit.slice(0, 12)}\` (before the channels), on this tree's core with no`,
    'subscriber, and with a subscriber on `tracing:sendoff:deliver:asyncEnd` counting deliveries by strategy and status.',
    `autocannon on each app directly (the offload route: an empty 200 with X-Accel-Redirect, no body), ${s.connections} connections,`,
    `${s.rounds} interleaved rounds of ${s.seconds} s after ${s.warmupSeconds} s of warm-up each; app CPU = user + system time of the app process during the round.`,
    '',
    '| | req/s (median) | app CPU µs per request (median) | failed requests |',
    '|---|---:|---:|---:|',
    ...[baseline, none, subscriber].map((list, index) => row([PUBLISHING.baseline, PUBLISHING.none, PUBLISHING.subscriber][index]!, list)),
    '',
    'Ratios (median of the per-round ratios, min–max in brackets):',
    '',
    `- no subscriber / baseline: req/s **${pairedRatio(none, baseline, rate)}**, CPU per request **${pairedRatio(none, baseline, cpuMicrosPerRequest)}** (target: no measurable change)`,
    `- subscriber attached / no subscriber: req/s **${pairedRatio(subscriber, none, rate)}**, CPU per request **${pairedRatio(subscriber, none, cpuMicrosPerRequest)}**`,
    '',
    ...loopSection(run),
  ].join('\n');
}

/** The in-process loop: µs per `deliver()` and the paired ratios. */
function loopSection(run: PublishResults): string[] {
  const s = run.settings;
  const of = (name: string) => run.loop.get(name) ?? [];
  const [baseline, none, subscriber] = [of(PUBLISHING.baseline), of(PUBLISHING.none), of(PUBLISHING.subscriber)];
  const micros = (value: number) => value;
  return [
    `\`deliver()\` alone, in the bench process (no HTTP): ${s.loopRounds} interleaved rounds of ${s.loopBatch} deliveries one after the other per contender,`,
    'each checked to be the X-Accel plan; the subscriber is attached for its own batches only. CPU time of the bench process',
    '(user + system, all threads) per delivery.',
    '',
    '| | CPU µs per deliver() (median) |',
    '|---|---:|',
    `| ${PUBLISHING.baseline} | ${formatNumber(median(baseline), 2)} |`,
    `| ${PUBLISHING.none} | ${formatNumber(median(none), 2)} |`,
    `| ${PUBLISHING.subscriber} | ${formatNumber(median(subscriber), 2)} |`,
    '',
    `- no subscriber / baseline: CPU per delivery **${pairedRatio(none, baseline, micros)}** (target: no measurable change)`,
    `- subscriber attached / no subscriber: CPU per delivery **${pairedRatio(subscriber, none, micros)}**`,
  ];
}

function rate(round: AppCostRound): number {
  return round.rate.requestsPerSecond;
}

function row(name: string, rounds: readonly AppCostRound[]): string {
  const failures = rounds.reduce((total, round) => total + rateFailuresOf(round.rate), 0);
  return `| ${name} | ${formatNumber(median(rounds.map(rate)))} | ${formatNumber(median(rounds.map(cpuMicrosPerRequest)), 1)} | ${failures} |`;
}

/** The median of `value(a[i]) / value(b[i])` over the rounds, with its spread. */
export function pairedRatio<T>(a: readonly T[], b: readonly T[], value: (round: T) => number): string {
  const ratios = a.map((round, index) => ratio(value(round), value(b[index]!))).filter(Number.isFinite);
  if (ratios.length === 0) return 'n/a';
  return `${times(median(ratios))} (${times(Math.min(...ratios))}–${times(Math.max(...ratios))})`;
}

/** Three decimals: the differences looked for are a few per cent at most. */
function times(value: number): string {
  return `${value.toFixed(3)}x`;
}
