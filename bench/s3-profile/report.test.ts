import { expect } from 'chai';
import { TARGETS, type Round, type S3ProfileResults } from './index.js';
import { SECTION_HEADING, figuresOf, renderS3Profile } from './report.js';
import { defaultSettings } from './settings.js';

/** A round of `requestsPerSecond` for 6 s that cost the app `micros` CPU µs per request. */
function round(requestsPerSecond: number, micros: number, failures = 0): Round {
  const total = requestsPerSecond * 6;
  return { requestsPerSecond, total, failures, cpuSeconds: (total * micros) / 1e6 };
}

function results(failures = 0): S3ProfileResults {
  const [dev, redirect, proxy] = TARGETS.map((target) => target.label) as [string, string, string];
  return {
    settings: { ...defaultSettings, rounds: 3 },
    startedAt: new Date('2026-01-02T03:04:05Z'),
    durationMs: 150_000,
    loadAverage: { start: 2.5, end: 3 },
    rounds: new Map([
      [dev, [round(1000, 900), round(1200, 1000), round(800, 1100)]],
      [redirect, [round(500, 2000), round(400, 1800), round(600, 2200, failures)]],
      [proxy, [round(250, 4000), round(200, 4400), round(300, 3600)]],
    ]),
  };
}

describe('bench s3-profile report', () => {
  it('takes medians of the interleaved rounds and ratios to dev', () => {
    const [dev, redirect, proxy] = figuresOf(results());
    expect(dev).to.include({ medianRate: 1000, minRate: 800, maxRate: 1200, ratioToDev: 1, cpuMicrosPerRequest: 1000, requests: 18_000, failures: 0 });
    expect(redirect).to.include({ medianRate: 500, ratioToDev: 0.5, requests: 9000 });
    expect(redirect!.cpuMicrosPerRequest).to.be.closeTo(2000, 1e-6);
    expect(proxy).to.include({ medianRate: 250, ratioToDev: 0.25 });
    expect(proxy!.cpuMicrosPerRequest).to.be.closeTo(4000, 1e-6);
  });

  it('renders its own section: the command, one row per profile, the ratios, no failures', () => {
    const text = renderS3Profile(results(), 'node bench/run.ts s3-profile --write');
    expect(text.startsWith(`## ${SECTION_HEADING}\n`)).to.equal(true);
    expect(text.split('\n').filter((line) => line.startsWith('## '))).to.have.length(1);
    expect(text).to.include('```sh\nnode bench/run.ts s3-profile --write\n```');
    expect(text).to.include('| dev (directStream from disk) | 1,000 | 800 – 1,200 | 1.00x | 1,000 µs | 18,000 | 0 |');
    expect(text).to.include('| s3 (presigned 302) | 500 | 400 – 600 | 0.50x | 2,000 µs | 9,000 | 0 |');
    expect(text).to.include('| s3, S3_DELIVERY=proxy (streamed from the bucket) | 250 | 200 – 300 | 0.25x | 4,000 µs | 4,500 | 0 |');
    expect(text).to.include('answers 0.50x the request rate of dev');
    expect(text).to.include('Failures: none');
  });

  it('lists the profiles that had failures', () => {
    const text = renderS3Profile(results(7), 'cmd');
    expect(text).to.include('Failures: 7 answers');
    expect(text).to.include('- s3 (presigned 302): 7 of 9,000');
    expect(text).to.not.include('Failures: none');
  });
});
