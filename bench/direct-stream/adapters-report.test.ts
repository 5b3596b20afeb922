import { expect } from 'chai';
import type { RateReport } from '../lib/request-rate.js';
import type { AdapterResults } from './adapters.js';
import { SECTION_HEADING, renderAdapters } from './adapters-report.js';
import { adapterComparisons, adapterContenders } from './contenders.js';
import { defaultSettings } from './settings.js';

function rate(requestsPerSecond: number, non2xx = 0): RateReport {
  return { requestsPerSecond, total: requestsPerSecond * 5, non2xx, mismatched: 0, errors: 0, timeouts: 0 };
}

/** Two rounds: node:http 1.1x send (1.3x over the cache), Express 1.2x res.sendFile and 0.9x send, Fastify 0.8x @fastify/static, Hono 1.05x serveStatic. */
function results(): AdapterResults {
  const c = adapterContenders;
  return {
    settings: { ...defaultSettings, rounds: 2 },
    startedAt: new Date('2026-01-02T03:04:05Z'),
    durationMs: 60_000,
    loadAverage: { start: 2.5, end: 3 },
    comparisons: adapterComparisons,
    contenders: Object.values(c),
    small: new Map([
      [c.sendoffNode.name, [rate(1100), rate(2200)]],
      [c.sendoffNodeCached.name, [rate(1300), rate(2600)]],
      [c.send.name, [rate(1000), rate(2000)]],
      [c.sendoffExpress.name, [rate(900), rate(1800)]],
      [c.expressSendFile.name, [rate(750), rate(1500, 3)]],
      [c.sendoffFastify.name, [rate(800), rate(1600)]],
      [c.fastifyStatic.name, [rate(1000), rate(2000)]],
      [c.sendoffHono.name, [rate(1050), rate(2100)]],
      [c.honoStatic.name, [rate(1000), rate(2000)]],
    ]),
    crashes: new Map([[c.fastifyStatic.name, 1]]),
  };
}

describe('framework adapters report', () => {
  const text = renderAdapters(results(), 'node --import tsx bench/run.ts adapters --write');
  const lines = text.split('\n');

  it('is one section under its heading, with the command and every server described', () => {
    expect(lines[0]).to.equal(`## ${SECTION_HEADING}`);
    expect(lines.filter((line) => line.startsWith('## '))).to.have.length(1);
    expect(text).to.contain('node --import tsx bench/run.ts adapters --write');
    for (const contender of Object.values(adapterContenders)) expect(text).to.contain(`- **${contender.name}**: ${contender.description}`);
  });

  it('gives each adapter its ratio against each peer, from the paired rounds', () => {
    expect(lines).to.include('| node:http | sendoff node:http | send | 1,650 | 1,500 | **1.10x** |');
    expect(lines).to.include('| node:http | sendoff node:http (cache) | send | 1,950 | 1,500 | **1.30x** |');
    expect(lines).to.include('| Express 5 | sendoff Express | res.sendFile | 1,350 | 1,125 | **1.20x** |');
    expect(lines).to.include('| Express 5 | sendoff Express | send | 1,350 | 1,500 | **0.90x** |');
    expect(lines).to.include('| Fastify 5 | sendoff Fastify | @fastify/static | 1,200 | 1,500 | **0.80x** |');
    expect(lines).to.include('| sendoff Fastify/@fastify/static | 0.80x, 0.80x |');
    expect(lines).to.include('| Hono | sendoff Hono | serveStatic | 1,575 | 1,500 | **1.05x** |');
  });

  it('says which pairs missed the target, and counts failures and crashes per server', () => {
    expect(text).to.contain('Target (≥ 1.0x each peer): **missed for sendoff Express vs send, sendoff Fastify vs @fastify/static**.');
    expect(lines).to.include('| res.sendFile | 750, 1,500 | 11250 | 3 | 0 |');
    expect(lines).to.include('| @fastify/static | 1,000, 2,000 | 15000 | 0 | 1 |');
  });
});
