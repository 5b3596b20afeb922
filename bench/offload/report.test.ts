import { expect } from 'chai';
import type { DownloadReport } from '../lib/downloader.js';
import type { RateReport } from '../lib/request-rate.js';
import type { OffloadResults } from './index.js';
import type { LatencyReport } from './latency.js';
import { APP_COST, LATENCY, THROUGHPUT, type AppCostRound, type LatencyRound } from './phases.js';
import { CHART_PATH, SECTION_HEADING, renderLatencyChart, renderOffload } from './report.js';
import { defaultSettings } from './settings.js';

/** A download report of `megabytes` MB received in one second. */
function downloads(megabytes: number, failures = 0): DownloadReport {
  return { bytes: megabytes * 1e6, elapsedMs: 1000, completed: 3, non2xx: failures, mismatched: 0, errors: 0, unfinished: 4 };
}

/** A round of `requestsPerSecond` for 6 s that cost the app `micros` CPU µs per request. */
function rate(requestsPerSecond: number, micros: number, non2xx = 0): AppCostRound {
  const report: RateReport = { requestsPerSecond, total: requestsPerSecond * 6, non2xx, mismatched: 0, errors: 0, timeouts: 0 };
  return { rate: report, cpuSeconds: (report.total * micros) / 1e6 };
}

function latency(samples: number[]): LatencyRound {
  const report: LatencyReport = { samples, p50: samples[0]!, p99: samples.at(-1)!, non2xx: 0, mismatched: 0, errors: 0, timeouts: 0 };
  return { latency: report };
}

/** 100 samples 1..100 ms scaled by `factor`: pooled p50 = 50 × factor, p99 = 99 × factor. */
function spread(factor: number): number[] {
  return Array.from({ length: 100 }, (_, i) => (i + 1) * factor);
}

function results(overrides: Partial<OffloadResults> = {}): OffloadResults {
  return {
    settings: { ...defaultSettings, throughputRounds: 2, costRounds: 2, latencyRounds: 1 },
    startedAt: new Date('2026-01-02T03:04:05Z'),
    durationMs: 240_000,
    nginxVersion: 'nginx/1.22.1',
    loadAverage: { start: 3.2, end: 4.1 },
    throughput: new Map([
      [THROUGHPUT.accel, [downloads(980), downloads(1010)]],
      [THROUGHPUT.static, [downloads(1000), downloads(1000)]],
    ]),
    appCost: new Map([
      [APP_COST.accel, [rate(7000, 100), rate(7400, 125)]],
      [APP_COST.accelCached, [rate(9200, 95), rate(9400, 99)]],
      [APP_COST.resolve, [rate(9000, 95), rate(9000, 97)]],
      [APP_COST.bare, [rate(10000, 90), rate(10000, 90, 2)]],
    ]),
    latency: new Map([
      [LATENCY.idle, [latency(spread(0.01))]],
      [LATENCY.accel, [{ ...latency(spread(0.02)), downloads: downloads(900) }]],
      [LATENCY.direct, [{ ...latency(spread(1)), downloads: downloads(600, 1) }]],
    ]),
    ...overrides,
  };
}

describe('offload report', () => {
  it('is one section under its heading, with the command, the machine and the chart link', () => {
    const text = renderOffload(results(), 'node bench/run.ts offload');
    expect(text.split('\n')[0]).to.equal(`## ${SECTION_HEADING}`);
    expect(text.split('\n').filter((line) => line.startsWith('## '))).to.have.length(1);
    expect(text).to.include('```sh\nnode bench/run.ts offload\n```');
    expect(text).to.include('Run 2026-01-02 03:04 UTC, 4.0 min');
    expect(text).to.include(', nginx/1.22.1.');
    expect(text).to.include('load average 3.2 at the start, 4.1 at the end');
    expect(text).to.include(`](../${CHART_PATH})`);
  });

  it('judges the paired per-round ratios against the targets and shows the ratio of the medians too', () => {
    const text = renderOffload(results(), 'cmd');
    expect(text).to.include('| 1. 256.0 MiB download, MB/s: X-Accel vs nginx static | 995 | 1,000 | 0.99x | 0.99x | ≥ 0.95x | **met** |');
    expect(text).to.include('| 2. app alone, req/s: X-Accel download route vs bare route | 7,200 | 10,000 | 0.72x | 0.72x | ≥ 0.90x | **missed** |');
    expect(text).to.include('| 2. the same, as app CPU µs per request (ratio: bare / X-Accel) | 113 | 90 | 0.80x | 0.81x | ≥ 0.90x | **missed** |');
    expect(text).to.include('| 2. app alone, req/s: X-Accel route over LocalStorage `cache` vs bare route | 9,300 | 10,000 | 0.93x | 0.93x | ≥ 0.90x | **met** |');
    expect(text).to.include('| 2. the same, as app CPU µs per request (ratio: bare / X-Accel with cache) | 97 | 90 | 0.93x | 0.93x | ≥ 0.90x | **met** |');
    expect(text).to.include('| X-Accel (cache) / bare, paired per round | 0.92x, 0.94x | 0.93x | 0.95x, 0.91x (bare / X-Accel with cache) | 0.93x |');
    expect(text).to.include('| X-Accel route | 7,000, 7,400 | 7,200 | 100, 125 | 113 |');
    expect(text).to.include('| X-Accel / static, paired per round | 0.98x, 1.01x | 0.99x |');
    expect(text).to.include('| X-Accel / bare, paired per round | 0.70x, 0.74x | 0.72x | 0.90x, 0.72x (bare / X-Accel) | 0.81x |');
  });

  it('can miss on the paired ratio while the ratio of the medians looks fine', () => {
    const throughput = new Map([
      [THROUGHPUT.accel, [downloads(900), downloads(1000), downloads(1100)]],
      [THROUGHPUT.static, [downloads(1000), downloads(1100), downloads(900)]],
    ]);
    const text = renderOffload(results({ throughput }), 'cmd');
    expect(text).to.include('| 1. 256.0 MiB download, MB/s: X-Accel vs nginx static | 1,000 | 1,000 | 1.00x | 0.91x | ≥ 0.95x | **missed** |');
  });

  it('pools latency samples over rounds and compares the p99 of the direct stream to X-Accel', () => {
    const text = renderOffload(results(), 'cmd');
    expect(text).to.include('p50 / p99 1.0 / 2.0 ms through nginx X-Accel, 50 / 99 ms with the app streaming itself, 0.50 / 0.99 ms idle');
    expect(text).to.include('direct stream p99 is 50.00x the X-Accel p99');
    expect(text).to.include('| direct stream | 50 | 99 | 1.0 / 100 | 600 | 100 |');
    expect(text).to.include('| idle | 0.50 | 0.99 | 0.01 / 1.0 | – | 100 |');
  });

  it('splits the extra CPU per request into resolving the file and the rest', () => {
    const text = renderOffload(results(), 'cmd');
    expect(text).to.include('| resolve only | 9,000, 9,000 | 9,000 | 95, 97 | 96 |');
    expect(text).to.include('the X-Accel route costs 23 µs more than the bare route;');
    expect(text).to.include('accounts for 6 µs,');
    expect(text).to.include('the remaining 17 µs is the policy');
  });

  it('says resolving shows no CPU when the resolve-only route costs no more than the bare one', () => {
    const text = renderOffload(results({ appCost: new Map([
      [APP_COST.accel, [rate(7000, 100)]],
      [APP_COST.resolve, [rate(9000, 89)]],
      [APP_COST.bare, [rate(10000, 90)]],
    ]) }), 'cmd');
    expect(text).to.include('the X-Accel route costs 10 µs more than the bare route;');
    expect(text).to.include('shows no CPU above the bare route (-1 µs, within the noise)');
    expect(text).to.include('so the difference is JavaScript on the main thread');
  });

  it('reports failures per measurement', () => {
    const text = renderOffload(results(), 'cmd');
    expect(text).to.include('| 2. bare route | 120000 requests | 2 |');
    expect(text).to.include('| 3. direct stream: background downloads | 3 downloads completed, 4 unfinished | 1 |');
    expect(text).to.include('| 1. nginx X-Accel | 6 downloads completed, 8 unfinished | 0 |');
  });

  it('draws the chart from the pooled percentiles of each scenario', () => {
    const svg = renderLatencyChart(results());
    expect(svg).to.include('<title>idle p50: 0.50 ms</title>');
    expect(svg).to.include('<title>nginx X-Accel p99: 2.0 ms</title>');
    expect(svg).to.include('<title>direct stream p99: 99 ms</title>');
    expect(svg).to.include('32 clients download 256.0 MiB files');
  });
});
