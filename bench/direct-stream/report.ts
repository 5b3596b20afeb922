/** The `## Direct stream` section of bench/RESULTS.md, from one run's results. */
import { failuresOf, megabytesPerSecond } from '../lib/downloader.js';
import { rateFailuresOf } from '../lib/request-rate.js';
import { runContext } from '../lib/run-context.js';
import { formatMiB, formatNumber, formatRatio, median, ratio, sum } from '../lib/stats.js';
import type { ContenderResults, DirectStreamResults } from './index.js';

export const SECTION_HEADING = 'Direct stream';

interface Figures {
  name: string;
  requestsPerSecond: number;
  megabytesPerSecond: number;
  memoryGrowth: number;
}

export function renderDirectStream(run: DirectStreamResults, command: string): string {
  const figures = run.results.map(figuresOf);
  return [
    `## ${SECTION_HEADING}`,
    '',
    ...context(run, command),
    '',
    ...summary(run, figures),
    '',
    ...memoryTable(run),
    '',
    ...failureTable(run),
    '',
    ...roundsTable(run),
  ].join('\n');
}

function figuresOf(result: ContenderResults): Figures {
  return {
    name: result.contender.name,
    requestsPerSecond: median(result.small.map((report) => report.requestsPerSecond)),
    megabytesPerSecond: median(result.large.map(megabytesPerSecond)),
    memoryGrowth: result.memory.peak - result.memory.baseline,
  };
}

function context(run: DirectStreamResults, command: string): string[] {
  return [
    ...runContext(run, command),
    '',
    'Each server runs in its own Node process (TypeScript loaded through tsx) on 127.0.0.1; the load',
    'generator (autocannon for small files, a Node client that reads every body to the end for the large',
    'file) runs in the bench process. Every server is checked first to return the exact bytes.',
    '',
    ...run.results.map((result) => `- **${result.contender.name}**: ${result.contender.description}`),
  ];
}

function summary(run: DirectStreamResults, figures: Figures[]): string[] {
  const { ours, peers } = sides(run, figures);
  const s = run.settings;
  const pairs = ours.flatMap((mine) => peers.map((peer) => [mine, peer] as const));
  const row = (label: string, pick: (f: Figures) => number, digits: number): string =>
    `| ${label} | ${figures.map((f) => formatNumber(pick(f), digits)).join(' | ')} | ${pairs.map(([mine, peer]) => formatRatio(ratio(pick(mine), pick(peer)))).join(' | ')} |`;
  return [
    '### Summary',
    '',
    `| | ${figures.map((f) => f.name).join(' | ')} | ${pairs.map(([mine, peer]) => `${mine.name}/${peer.name}`).join(' | ')} |`,
    `|---|${figures.map(() => '---:').join('|')}|${pairs.map(() => '---:').join('|')}|`,
    row(`4 KiB files, req/s (median of ${s.rounds} × ${s.smallSeconds} s, ${s.smallConnections} connections)`, (f) => f.requestsPerSecond, 0),
    row(`${formatMiB(s.largeSize)} file, MB/s (median of ${s.rounds} × ${s.largeSeconds} s, ${s.largeConnections} connections)`, (f) => f.megabytesPerSecond, 0),
    `| RSS peak − baseline, ${s.rssClients} clients × ${formatMiB(s.largeSize)} | ${figures.map((f) => formatMiB(f.memoryGrowth)).join(' | ')} |${pairs.map(() => ' |').join('')}`,
    '',
    'Targets: at least 1.0x koa-send on both rates with RSS flat (growing by less than one file\'s size), and at least 0.7x `send` on the 4 KiB rate.',
    '',
    ...ours.flatMap((mine) => verdict(run, mine, peers)),
  ];
}

/** The sendoff servers and their peers, in run order. */
function sides(run: DirectStreamResults, figures: Figures[]): { ours: Figures[]; peers: Figures[] } {
  const isOurs = (index: number) => run.results[index]?.contender.ours === true;
  return { ours: figures.filter((_, index) => isOurs(index)), peers: figures.filter((_, index) => !isOurs(index)) };
}

function verdict(run: DirectStreamResults, ours: Figures, peers: Figures[]): string[] {
  const koaSend = peers.find((peer) => peer.name === 'koa-send');
  const send = peers.find((peer) => peer.name === 'send');
  const lines: string[] = [];
  if (koaSend) {
    const rate = ratio(ours.requestsPerSecond, koaSend.requestsPerSecond);
    const throughput = ratio(ours.megabytesPerSecond, koaSend.megabytesPerSecond);
    const flat = ours.memoryGrowth < run.settings.largeSize;
    const met = rate >= 1 && throughput >= 1 && flat;
    lines.push(`- ${ours.name} vs koa-send: **${met ? 'met' : 'missed'}** (req/s ${formatRatio(rate)}, MB/s ${formatRatio(throughput)}, RSS growth ${formatMiB(ours.memoryGrowth)}).`);
  }
  if (send) {
    const rate = ratio(ours.requestsPerSecond, send.requestsPerSecond);
    lines.push(`- ${ours.name} vs send: **${rate >= 0.7 ? 'met' : 'missed'}** (req/s ${formatRatio(rate)}).`);
  }
  return lines;
}

function memoryTable(run: DirectStreamResults): string[] {
  const s = run.settings;
  return [
    `### Memory: ${s.rssClients} clients each downloading the ${formatMiB(s.largeSize)} file at once`,
    '',
    `VmRSS of the server process from /proc every 100 ms; baseline = median over ${s.rssIdleMs} ms idle after a warm-up; time limit ${s.rssSeconds} s.`,
    '',
    '| server | baseline | peak | peak − baseline | downloads completed | failures | unfinished | aggregate MB/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...run.results.map(({ contender, memory }) =>
      `| ${contender.name} | ${formatMiB(memory.baseline)} | ${formatMiB(memory.peak)} | ${formatMiB(memory.peak - memory.baseline)} | ` +
        `${memory.download.completed}/${s.rssClients * s.rssPerClient} | ${failuresOf(memory.download)} | ` +
        `${memory.download.unfinished}${memory.overLimit ? ' (stopped: over the RSS limit)' : ''} | ${formatNumber(megabytesPerSecond(memory.download), 0)} |`,
    ),
  ];
}

function failureTable(run: DirectStreamResults): string[] {
  return [
    '### Responses and failures (all rounds)',
    '',
    'A failure is a non-2xx status, a body of the wrong length or a connection error.',
    '',
    'A crash is the server process found dead after a run (it was restarted and verified before the next one).',
    '',
    '| server | 4 KiB requests | 4 KiB failures | large downloads completed | large failures | process crashes |',
    '|---|---:|---:|---:|---:|---:|',
    ...run.results.map(({ contender, small, large, crashes, memory }) =>
      `| ${contender.name} | ${sum(small.map((r) => r.total))} | ${sum(small.map(rateFailuresOf))} | ` +
        `${sum(large.map((r) => r.completed))} | ${sum(large.map(failuresOf))} | ${crashes + (memory.crashed ? 1 : 0)} |`,
    ),
  ];
}

function roundsTable(run: DirectStreamResults): string[] {
  const ours = run.results.filter((result) => result.contender.ours === true);
  const peers = run.results.filter((result) => result.contender.ours !== true);
  return [
    '### Every round',
    '',
    'Each server starts a different round first (a, b, c, then b, c, a, ...). The last rows divide',
    "each sendoff server's figure by each peer's in the same round (a paired ratio is less sensitive to load that comes and goes).",
    '',
    '| server | 4 KiB req/s | large MB/s |',
    '|---|---|---|',
    ...run.results.map(({ contender, small, large }) =>
      `| ${contender.name} | ${small.map((r) => formatNumber(r.requestsPerSecond)).join(', ')} | ${large.map((r) => formatNumber(megabytesPerSecond(r))).join(', ')} |`,
    ),
    ...ours.flatMap((mine) => peers.map((peer) => pairedRow(mine, peer))),
  ];
}

function pairedRow(ours: ContenderResults, other: ContenderResults): string {
  const rate = ours.small.map((r, i) => ratio(r.requestsPerSecond, other.small[i]?.requestsPerSecond ?? Number.NaN));
  const throughput = ours.large.map((r, i) => ratio(megabytesPerSecond(r), megabytesPerSecond(other.large[i]!)));
  return (
    `| ${ours.contender.name}/${other.contender.name} | ${rate.map(formatRatio).join(', ')} (median ${formatRatio(median(rate))}) | ` +
    `${throughput.map(formatRatio).join(', ')} (median ${formatRatio(median(throughput))}) |`
  );
}
