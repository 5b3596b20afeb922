/** The `## Framework adapters` section of bench/RESULTS.md, from one run's results. */
import { rateFailuresOf, type RateReport } from '../lib/request-rate.js';
import { runContext } from '../lib/run-context.js';
import { formatNumber, formatRatio, median, ratio, sum } from '../lib/stats.js';
import type { AdapterResults } from './adapters.js';
import type { Contender } from './contenders.js';

export const SECTION_HEADING = 'Framework adapters (direct stream)';

export function renderAdapters(run: AdapterResults, command: string): string {
  return [
    `## ${SECTION_HEADING}`,
    '',
    ...runContext(run, command),
    '',
    'Each server runs in its own Node process (TypeScript loaded through tsx) on 127.0.0.1, every one',
    'checked first to return the exact bytes and a 404 for a missing file; autocannon (in the bench',
    'process) cycles through the 4 KiB files. The sendoff servers use a Deliverer over LocalStorage',
    'whose policy picks directStream, as an application would.',
    '',
    ...run.contenders.map((contender) => `- **${contender.name}**: ${contender.description}`),
    '',
    ...summary(run),
    '',
    ...roundsTable(run),
  ].join('\n');
}

/** The pairs of the run: each adapter against each of its peers. */
function pairs(run: AdapterResults): { framework: string; ours: Contender; peer: Contender }[] {
  return run.comparisons.flatMap(({ framework, ours, peers }) => peers.map((peer) => ({ framework, ours, peer })));
}

function rates(run: AdapterResults, contender: Contender): RateReport[] {
  return run.small.get(contender.name) ?? [];
}

/** Per-round ratios of `ours` over `peer` (a paired ratio is less sensitive to load that comes and goes). */
function pairedRatios(run: AdapterResults, ours: Contender, peer: Contender): number[] {
  const theirs = rates(run, peer);
  return rates(run, ours).map((report, i) => ratio(report.requestsPerSecond, theirs[i]?.requestsPerSecond ?? Number.NaN));
}

function medianRate(run: AdapterResults, contender: Contender): number {
  return median(rates(run, contender).map((report) => report.requestsPerSecond));
}

function summary(run: AdapterResults): string[] {
  const s = run.settings;
  const rows = pairs(run).map(({ framework, ours, peer }) => {
    const paired = median(pairedRatios(run, ours, peer));
    return `| ${framework} | ${ours.name} | ${peer.name} | ${formatNumber(medianRate(run, ours))} | ${formatNumber(medianRate(run, peer))} | **${formatRatio(paired)}** |`;
  });
  const missed = pairs(run).filter(({ ours, peer }) => !(median(pairedRatios(run, ours, peer)) >= 1));
  return [
    `### Summary: 4 KiB files, req/s (median of ${s.rounds} × ${s.smallSeconds} s, ${s.smallConnections} connections, ${s.smallCount} files)`,
    '',
    '| framework | sendoff | peer | sendoff req/s | peer req/s | sendoff/peer (median of the paired rounds) |',
    '|---|---|---|---:|---:|---:|',
    ...rows,
    '',
    `Target (≥ 1.0x each peer): **${missed.length === 0 ? 'met' : `missed for ${missed.map(({ ours, peer }) => `${ours.name} vs ${peer.name}`).join(', ')}`}**.`,
  ];
}

function roundsTable(run: AdapterResults): string[] {
  return [
    '### Every round',
    '',
    'The servers start a different round first each time (a, b, c, then b, c, a, ...). A failure is a',
    'non-2xx status, a body of the wrong length or a connection error; a crash is the server process found',
    'dead after a run (it was restarted and verified before the next one).',
    '',
    '| server | 4 KiB req/s per round | requests | failures | crashes |',
    '|---|---|---:|---:|---:|',
    ...run.contenders.map((contender) => {
      const reports = rates(run, contender);
      return `| ${contender.name} | ${reports.map((r) => formatNumber(r.requestsPerSecond)).join(', ')} | ${sum(reports.map((r) => r.total))} | ${sum(reports.map(rateFailuresOf))} | ${run.crashes.get(contender.name) ?? 0} |`;
    }),
    '',
    '| pair | paired ratio per round |',
    '|---|---|',
    ...pairs(run).map(({ ours, peer }) => `| ${ours.name}/${peer.name} | ${pairedRatios(run, ours, peer).map(formatRatio).join(', ')} |`),
  ];
}
