import { cpus, release, totalmem, type as osType } from 'node:os';
import { expect } from 'chai';
import { runContext } from './run-context.js';
import { formatMiB } from './stats.js';

const machine = () => `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${formatMiB(totalmem())} RAM, ${osType()} ${release()}, Node ${process.version}`;

describe('bench run context', () => {
  const startedAt = new Date('2026-01-02T03:04:05Z');

  it('says when the run started, how long it took and the exact command, in a shell block', () => {
    const lines = runContext({ startedAt, durationMs: 90_000 }, 'node bench/run.ts all --write');
    expect(lines.slice(0, 6)).to.deep.equal(['Run 2026-01-02 03:04 UTC, 1.5 min, with:', '', '```sh', 'node bench/run.ts all --write', '```', '']);
  });

  it('names the machine, then says the figures are noisy when no load average was taken', () => {
    const lines = runContext({ startedAt, durationMs: 60_000 }, 'cmd');
    expect(lines.slice(6)).to.deep.equal([
      `${machine()}.`,
      'The machine is shared and was running other test suites at the same time: absolute figures are noisy;',
      'the ratios of this one interleaved run are what counts.',
    ]);
  });

  it('adds the other software after Node and quotes the load average at the start and the end', () => {
    const lines = runContext({ startedAt, durationMs: 60_000, loadAverage: { start: 3.21, end: 4.06 } }, 'cmd', ['nginx/1.22.1']);
    expect(lines.slice(6)).to.deep.equal([
      `${machine()}, nginx/1.22.1.`,
      'The machine is shared and noisy (1-minute load average 3.2 at the start, 4.1 at the end,',
      `on ${cpus().length} cores): absolute figures move from run to run; the ratios of this one interleaved run are what counts.`,
    ]);
  });
});
