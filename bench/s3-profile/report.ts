/** The `## S3 profile vs dev` section of bench/RESULTS.md, from one run. */
import { runContext } from '../lib/run-context.js';
import { formatNumber, formatRatio, median, ratio, sum } from '../lib/stats.js';
import { TARGETS, type Round, type S3ProfileResults } from './index.js';
import { FILE_BYTES, FILE_NAME } from './download-route.js';

export const SECTION_HEADING = 'S3 profile vs dev';

export interface TargetFigures {
  label: string;
  medianRate: number;
  minRate: number;
  maxRate: number;
  /** Median req/s over dev's median req/s. */
  ratioToDev: number;
  /** Median over rounds of the app's CPU microseconds per request. */
  cpuMicrosPerRequest: number;
  requests: number;
  failures: number;
}

/** The figures of every target, dev first, in TARGETS order. */
export function figuresOf(run: S3ProfileResults): TargetFigures[] {
  const devRate = median(ratesOf(run.rounds.get(TARGETS[0]!.label) ?? []));
  return TARGETS.map(({ label }) => {
    const rounds = run.rounds.get(label) ?? [];
    const rates = ratesOf(rounds);
    return {
      label,
      medianRate: median(rates),
      minRate: rates.length > 0 ? Math.min(...rates) : Number.NaN,
      maxRate: rates.length > 0 ? Math.max(...rates) : Number.NaN,
      ratioToDev: ratio(median(rates), devRate),
      cpuMicrosPerRequest: median(rounds.map(cpuMicrosOf).filter(Number.isFinite)),
      requests: sum(rounds.map((round) => round.total)),
      failures: sum(rounds.map((round) => round.failures)),
    };
  });
}

export function renderS3Profile(run: S3ProfileResults, command: string): string {
  const figures = figuresOf(run);
  return [`## ${SECTION_HEADING}`, '', ...context(run, command), '', ...table(figures), '', ...reading(figures), '', ...failures(figures)].join('\n');
}

function ratesOf(rounds: readonly Round[]): number[] {
  return rounds.map((round) => round.requestsPerSecond);
}

function cpuMicrosOf(round: Round): number {
  return round.total > 0 ? (round.cpuSeconds * 1e6) / round.total : Number.NaN;
}

function context(run: S3ProfileResults, command: string): string[] {
  const s = run.settings;
  return [
    ...runContext(run, command),
    '',
    `What is measured: \`GET /api/files/:id/download\` of the example app (examples/koa-app) for the seeded`,
    `"${FILE_NAME}" (${FILE_BYTES.length} bytes), signed in as alice (Bearer token: the session check, the SQLite`,
    'lookup and the permission check run on every request), with the profile as the only difference. Each app runs',
    'in its own Node process started like `npm start` (tsx, NODE_ENV=production, PORT=0, a fresh data directory);',
    `autocannon runs in the benchmark process, ${s.connections} connections, ${s.rounds} interleaved rounds of ${s.seconds} s per`,
    `target after a ${s.warmupSeconds} s warm-up. Before any load every answer is checked: dev and proxy give a 200 with`,
    'exactly the bytes; s3 gives a 302 whose Location (a presigned URL) gives exactly the bytes. Under load the 302 is',
    'not followed: the figure is what the app itself answers, and any other status or body length counts as a failure.',
    '',
    'The `s3` profile here uses the local S3 API server the app starts when no S3_ENDPOINT is set (s3rver, inside',
    'the app process). The app hands sendoff the size and type it recorded in SQLite (`recorded`), so the redirect',
    'signs its URL without asking S3 anything; proxy mode still asks for the object\'s mtime and ETag (HeadObject over',
    'HTTP on 127.0.0.1) before it reads it, and the app CPU per request below includes what s3rver spends answering.',
  ];
}

function table(figures: readonly TargetFigures[]): string[] {
  return [
    '| profile | req/s (median) | min – max | vs dev | app CPU per request | requests | failures |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...figures.map((f) =>
      `| ${f.label} | ${formatNumber(f.medianRate)} | ${formatNumber(f.minRate)} – ${formatNumber(f.maxRate)} | ${formatRatio(f.ratioToDev)} | ${formatNumber(f.cpuMicrosPerRequest)} µs | ${formatNumber(f.requests)} | ${formatNumber(f.failures)} |`),
  ];
}

function reading(figures: readonly TargetFigures[]): string[] {
  const [dev, redirect, proxy] = figures;
  if (!dev || !redirect || !proxy) return [];
  return [
    `Reading: with its presigned 302 the s3 profile answers ${formatRatio(redirect.ratioToDev)} the request rate of dev, and`,
    `${formatRatio(proxy.ratioToDev)} when it streams the bytes itself (proxy mode); the app process spends`,
    `${formatRatio(ratio(redirect.cpuMicrosPerRequest, dev.cpuMicrosPerRequest))} dev's CPU per request (redirect) and ${formatRatio(ratio(proxy.cpuMicrosPerRequest, dev.cpuMicrosPerRequest))} (proxy).`,
    'Per download, dev stats and reads the file on disk; the redirect makes no S3 request, one presign;',
    'proxy mode does one HeadObject and one GetObject. With the embedded s3rver both S3 requests are served by the',
    'same process (s3rver stats the object and reads its metadata and MD5 files for each), so the proxy figures are',
    'the cost of the local set-up the profile uses for development, not a forecast for AWS S3, where the S3 side costs',
    'the app no CPU but adds network round trips to every download.',
  ];
}

function failures(figures: readonly TargetFigures[]): string[] {
  const total = sum(figures.map((f) => f.failures));
  if (total === 0) return ['Failures: none (every answer had the expected status and body length).'];
  return [
    `Failures: ${formatNumber(total)} answers with another status, a wrong body length, a connection error or a time-out:`,
    ...figures.filter((f) => f.failures > 0).map((f) => `- ${f.label}: ${formatNumber(f.failures)} of ${formatNumber(f.requests)}`),
  ];
}
