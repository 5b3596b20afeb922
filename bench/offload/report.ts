/** The `## Offload (nginx X-Accel)` section of bench/RESULTS.md and the latency chart, from one run. */
import { failuresOf, megabytesPerSecond, type DownloadReport } from '../lib/downloader.js';
import { rateFailuresOf } from '../lib/request-rate.js';
import { runContext } from '../lib/run-context.js';
import { formatMiB, formatNumber, formatRatio, median, percentile, ratio, sum } from '../lib/stats.js';
import { formatMs, latencyChartSvg, type LatencyGroup } from './chart.js';
import type { OffloadResults } from './index.js';
import { latencyFailuresOf } from './latency.js';
import { APP_COST, LATENCY, THROUGHPUT, cpuMicrosPerRequest, type AppCostRound, type LatencyRound } from './phases.js';

export const SECTION_HEADING = 'Offload (nginx X-Accel)';

/** Where the chart goes, relative to the repository root, and how RESULTS.md links to it. */
export const CHART_PATH = 'docs/img/offload-latency.svg';
const CHART_LINK = `../${CHART_PATH}`;

export const TARGETS = { throughput: 0.95, appCost: 0.9 } as const;

export function renderOffload(run: OffloadResults, command: string): string {
  return [
    `## ${SECTION_HEADING}`,
    '',
    ...context(run, command),
    '',
    ...summary(run),
    '',
    ...throughputSection(run),
    '',
    ...appCostSection(run),
    '',
    ...latencySection(run),
    '',
    ...failureSection(run),
  ].join('\n');
}

/** The chart of the latency phase: pooled p50/p99 per scenario. */
export function renderLatencyChart(run: OffloadResults): string {
  const s = run.settings;
  return latencyChartSvg({
    title: `JSON route latency while ${s.latencyDownloaders} clients download ${formatMiB(s.largeSize)} files`,
    subtitle: `${s.latencyRate} req/s on ${s.latencyConnections} connections, ${s.latencyRounds} × ${s.latencySeconds} s per scenario, interleaved; ${run.startedAt.toISOString().slice(0, 10)}`,
    groups: latencyGroups(run),
  });
}

function latencyGroups(run: OffloadResults): LatencyGroup[] {
  return [...run.latency].map(([label, rounds]) => ({ label, ...pooled(rounds) }));
}

function pooled(rounds: readonly LatencyRound[]): { p50: number; p99: number } {
  const samples = rounds.flatMap((round) => round.latency.samples);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

function context(run: OffloadResults, command: string): string[] {
  return [
    ...runContext(run, command, [run.nginxVersion]),
    '',
    'Set-up: the app (Koa + `@sendoff/koa` `deliver()` over a `LocalStorage`, policy "xAccel in production,',
    'else directStream") runs in its own Node process; nginx runs the config `generateServerConfig` writes',
    'for the `xAccel` strategy (started by `runServer`), plus one plain `location ^~ /static/ { alias <root>/; }`',
    'on the same server. Everything listens on 127.0.0.1 on ephemeral ports, in temp directories removed at the end.',
    'Before measuring, every path is checked: the exact bytes (sha256) and length through X-Accel, static and the',
    'direct stream, no `X-Accel-*` header reaching a client, the app\'s own answer an empty 200 with the header, 404s.',
  ];
}

function summary(run: OffloadResults): string[] {
  const throughput = throughputRatio(run);
  const cost = appCostRatio(run);
  const cpu = appCpuRatio(run);
  const cachedCost = appCostRatio(run, APP_COST.accelCached);
  const cachedCpu = appCpuRatio(run, APP_COST.accelCached);
  const latency = latencyGroups(run);
  const byLabel = (label: string) => latency.find((group) => group.label === label);
  const accel = byLabel(LATENCY.accel);
  const direct = byLabel(LATENCY.direct);
  const idle = byLabel(LATENCY.idle);
  return [
    '### Summary',
    '',
    '| benchmark | sendoff (median) | reference (median) | ratio of the medians | paired ratio (median over rounds) | target | verdict (paired) |',
    '|---|---:|---:|---:|---:|---:|---|',
    row(`1. ${formatMiB(run.settings.largeSize)} download, MB/s: X-Accel vs nginx static`, throughput, throughput.ratio, median(throughput.paired), TARGETS.throughput),
    row('2. app alone, req/s: X-Accel download route vs bare route', cost, cost.ratio, median(cost.paired), TARGETS.appCost),
    row('2. the same, as app CPU µs per request (ratio: bare / X-Accel)', cpu, cpu.capacity, median(cpu.paired), TARGETS.appCost),
    row('2. app alone, req/s: X-Accel route over LocalStorage `cache` vs bare route', cachedCost, cachedCost.ratio, median(cachedCost.paired), TARGETS.appCost),
    row('2. the same, as app CPU µs per request (ratio: bare / X-Accel with cache)', cachedCpu, cachedCpu.capacity, median(cachedCpu.paired), TARGETS.appCost),
    '',
    'Each pair of a round ran back to back, so the paired ratio is the less noisy of the two on a machine whose load',
    'comes and goes; the verdict uses it.',
    '',
    `3. JSON route while ${run.settings.latencyDownloaders} clients download: p50 / p99 ` +
      `${formatMs(accel?.p50 ?? NaN)} / ${formatMs(accel?.p99 ?? NaN)} ms through nginx X-Accel, ` +
      `${formatMs(direct?.p50 ?? NaN)} / ${formatMs(direct?.p99 ?? NaN)} ms with the app streaming itself, ` +
      `${formatMs(idle?.p50 ?? NaN)} / ${formatMs(idle?.p99 ?? NaN)} ms idle ` +
      `(direct stream p99 is ${formatRatio(ratio(direct?.p99 ?? NaN, accel?.p99 ?? NaN))} the X-Accel p99).`,
    '',
    `![p50 and p99 latency of the JSON route per scenario](${CHART_LINK})`,
  ];
}

function row(label: string, figures: Comparison, ofMedians: number, paired: number, target: number): string {
  return `| ${label} | ${formatNumber(figures.ours, 0)} | ${formatNumber(figures.reference, 0)} | ${formatRatio(ofMedians)} | ${formatRatio(paired)} | ≥ ${target.toFixed(2)}x | ${verdict(paired, target)} |`;
}

function verdict(value: number, target: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= target ? '**met**' : '**missed**';
}

interface Comparison {
  ours: number;
  reference: number;
  /** ours / reference, from the medians. */
  ratio: number;
  /** Per-round ours / reference. */
  paired: number[];
}

function compare<T>(ours: readonly T[], reference: readonly T[], figure: (report: T) => number): Comparison {
  const a = median(ours.map(figure));
  const b = median(reference.map(figure));
  return { ours: a, reference: b, ratio: ratio(a, b), paired: ours.map((report, i) => ratio(figure(report), reference[i] === undefined ? NaN : figure(reference[i]!))) };
}

function throughputRatio(run: OffloadResults): Comparison {
  return compare(run.throughput.get(THROUGHPUT.accel) ?? [], run.throughput.get(THROUGHPUT.static) ?? [], megabytesPerSecond);
}

function appCostRatio(run: OffloadResults, route: string = APP_COST.accel): Comparison {
  return compare(run.appCost.get(route) ?? [], run.appCost.get(APP_COST.bare) ?? [], (r: AppCostRound) => r.rate.requestsPerSecond);
}

/** CPU µs per request of each route; `capacity` = bare / X-Accel (what req/s would be on a quiet machine). */
function appCpuRatio(run: OffloadResults, route: string = APP_COST.accel): Comparison & { capacity: number } {
  const comparison = compare(run.appCost.get(route) ?? [], run.appCost.get(APP_COST.bare) ?? [], cpuMicrosPerRequest);
  return { ...comparison, capacity: ratio(comparison.reference, comparison.ours), paired: comparison.paired.map((value) => ratio(1, value)) };
}

function throughputSection(run: OffloadResults): string[] {
  const s = run.settings;
  const comparison = throughputRatio(run);
  return [
    `### 1. Throughput: the ${formatMiB(s.largeSize)} file through X-Accel vs nginx static`,
    '',
    `${s.throughputClients} concurrent clients, each in its own Node process and all started together, download the file over and over`,
    `for ${s.throughputSeconds} s, every body read to the end; bytes received are counted (downloads cut at the deadline included).`,
    `${s.throughputRounds} ${plural(s.throughputRounds, 'round')}, order alternating. (One process reading several bodies at once`,
    'tops out on its single core well below what nginx sends, and would measure itself.)',
    'X-Accel: client → nginx → app (decides, answers the header) → nginx serves the file from the internal location.',
    'Static: client → nginx serves the same file from a plain location of the same server.',
    '',
    '| path | MB/s per round | median |',
    '|---|---|---:|',
    ...[...run.throughput].map(([name, reports]) => `| ${name} | ${reports.map((r) => formatNumber(megabytesPerSecond(r), 0)).join(', ')} | ${formatNumber(median(reports.map(megabytesPerSecond)), 0)} |`),
    `| X-Accel / static, paired per round | ${comparison.paired.map(formatRatio).join(', ')} | ${formatRatio(median(comparison.paired))} |`,
  ];
}

function appCostSection(run: OffloadResults): string[] {
  const s = run.settings;
 const rate = appCostRatio(run);
  const cpu = appCpuRatio(run);
  const cachedRate = appCostRatio(run, APP_COST.accelCached);
  const cachedCpu = appCpuRatio(run, APP_COST.accelCached);
  const rows = [...run.appCost].map(([name, rounds]) => {
    const perSecond = rounds.map((r) => r.rate.requestsPerSecond);
    const micros = rounds.map(cpuMicrosPerRequest);
    return `| ${name} | ${perSecond.map((v) => formatNumber(v, 0)).join(', ')} | ${formatNumber(median(perSecond), 0)} | ${micros.map((v) => formatNumber(v, 0)).join(', ')} | ${formatNumber(median(micros), 0)} |`;
  });
  return [
    '### 2. The app\'s cost per offloaded download',
    '',
    `autocannon straight at the app (no nginx), ${s.costConnections} connections, ${s.costSeconds} s per round, ${s.costRounds} ${plural(s.costRounds, 'round')} alternating.`,
    'X-Accel route: `deliver(ctx, deliverer, { key })`: key validation, `LocalStorage` stat + locate (real path checked',
    'under the root), policy, Content-Disposition, the `X-Accel-Redirect` plan applied as an empty 200.',
    'Bare route: the same Koa app answering a constant `X-Accel-Redirect` on an empty 200 (the floor of any route).',
    'X-Accel route (cache): the same route over a `LocalStorage` with `cache: { maxAgeMs: 1000 }` (the file\'s checked lookup reused: no file-system call).',
    'Resolve only: the download route\'s key validation and `stat` + `locate`, then the bare answer (its file-system share).',
    'Every answer must be an empty 2xx body; anything else counts as a failure. CPU µs per request = the app',
    'process\'s user + system time (all threads, from /proc) during the round divided by the requests answered:',
    'unlike req/s it does not drop when the app waits for a core taken by another job.',
    '',
    '| route | req/s per round | median | app CPU µs/request per round | median |',
    '|---|---|---:|---|---:|',
    ...rows,
    `| X-Accel / bare, paired per round | ${rate.paired.map(formatRatio).join(', ')} | ${formatRatio(median(rate.paired))} | ${cpu.paired.map(formatRatio).join(', ')} (bare / X-Accel) | ${formatRatio(median(cpu.paired))} |`,
    `| X-Accel (cache) / bare, paired per round | ${cachedRate.paired.map(formatRatio).join(', ')} | ${formatRatio(median(cachedRate.paired))} | ${cachedCpu.paired.map(formatRatio).join(', ')} (bare / X-Accel with cache) | ${formatRatio(median(cachedCpu.paired))} |`,
    '',
    ...costSplit(run),
  ];
}

/** The X-Accel route's extra CPU per request over the bare route, split into resolving the file and the rest. */
function costSplit(run: OffloadResults): string[] {
  const micros = (name: string) => median((run.appCost.get(name) ?? []).map(cpuMicrosPerRequest));
  const bare = micros(APP_COST.bare);
  const extra = micros(APP_COST.accel) - bare;
  const resolving = micros(APP_COST.resolve) - bare;
  if (!Number.isFinite(extra) || !Number.isFinite(resolving)) return [];
  const head = `Where the difference goes (medians of app CPU per request): the X-Accel route costs ${formatNumber(extra, 0)} µs more than the bare route;`;
  const rest = 'the policy, the plan (Content-Disposition, header encoding), the neutral request and applying the headers';
  if (resolving < 1) {
    return [head, `resolving the file (key validation, stat + locate) shows no CPU above the bare route (${formatNumber(resolving, 0)} µs, within the noise),`, `so the difference is JavaScript on the main thread: ${rest}.`];
  }
  return [
    head,
    `resolving the file (key validation, stat + locate sharing one lookup: a realpath and a stat on the thread pool) accounts for ${formatNumber(resolving, 0)} µs,`,
    `the remaining ${formatNumber(extra - resolving, 0)} µs is ${rest}.`,
  ];
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function latencySection(run: OffloadResults): string[] {
  const s = run.settings;
  return [
    `### 3. Latency of a JSON route while ${s.latencyDownloaders} clients download`,
    '',
    `autocannon asks the app's \`/api/status\` JSON route directly (not through nginx) at ${s.latencyRate} req/s over ${s.latencyConnections} connections`,
    `for ${s.latencySeconds} s, while a separate process keeps ${s.latencyDownloaders} downloads of the ${formatMiB(s.largeSize)} file going (started ${s.latencyWarmupMs} ms before).`,
    'Response times are taken at full precision from autocannon\'s response events; p50/p99 pool every round.',
    `Scenarios: **${LATENCY.idle}** (no downloads), **${LATENCY.accel}** (downloads through nginx, the app only answers the header),`,
    `**${LATENCY.direct}** (downloads from the app itself, \`directStream\`). ${s.latencyRounds} ${plural(s.latencyRounds, 'round')}, order rotating.`,
    '',
    '| scenario | p50 ms | p99 ms | per round p50 / p99 ms | downloads meanwhile, MB/s (median) | JSON answers |',
    '|---|---:|---:|---|---:|---:|',
    ...[...run.latency].map(([name, rounds]) => {
      const { p50, p99 } = pooled(rounds);
      const perRound = rounds.map((r) => `${formatMs(r.latency.p50)} / ${formatMs(r.latency.p99)}`).join(', ');
      const downloads = rounds.flatMap((r) => (r.downloads ? [megabytesPerSecond(r.downloads)] : []));
      const answered = rounds.reduce((total, r) => total + r.latency.samples.length, 0);
      return `| ${name} | ${formatMs(p50)} | ${formatMs(p99)} | ${perRound} | ${downloads.length > 0 ? formatNumber(median(downloads), 0) : '–'} | ${answered} |`;
    }),
    '',
    `![p50 and p99 latency of the JSON route per scenario](${CHART_LINK})`,
  ];
}

function failureSection(run: OffloadResults): string[] {
  const rows: string[] = [];
  for (const [name, reports] of run.throughput) rows.push(downloadRow(`1. ${name}`, reports));
  for (const [name, rounds] of run.appCost) rows.push(`| 2. ${name} | ${sum(rounds.map((r) => r.rate.total))} requests | ${sum(rounds.map((r) => rateFailuresOf(r.rate)))} |`);
  for (const [name, rounds] of run.latency) {
    rows.push(`| 3. ${name}: JSON route | ${sum(rounds.map((r) => r.latency.samples.length))} answers | ${sum(rounds.map((r) => latencyFailuresOf(r.latency)))} |`);
    const downloads = rounds.flatMap((r) => (r.downloads ? [r.downloads] : []));
    if (downloads.length > 0) rows.push(downloadRow(`3. ${name}: background downloads`, downloads));
  }
  return [
    '### Responses and failures (all rounds)',
    '',
    'A failure is a non-2xx status, a body of the wrong length (or not the JSON expected), a connection error or a timeout.',
    'Downloads still running when a round ends are cut and counted apart ("unfinished"), not as failures.',
    '',
    '| measurement | answered | failures |',
    '|---|---:|---:|',
    ...rows,
  ];
}

function downloadRow(label: string, reports: readonly DownloadReport[]): string {
  return `| ${label} | ${sum(reports.map((r) => r.completed))} downloads completed, ${sum(reports.map((r) => r.unfinished))} unfinished | ${sum(reports.map(failuresOf))} |`;
}
