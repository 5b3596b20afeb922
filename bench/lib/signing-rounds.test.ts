import { expect } from 'chai';
import { pairedRatio, reportHead, runSigningRounds, urlsPerSecond } from './signing-rounds.js';

describe('signing rounds', () => {
  it('pairs the rates of one round: the median of the per-round ratios', () => {
    const rates = { ours: [10, 40, 30], theirs: [5, 10, 30] };
    expect(pairedRatio(rates, 'ours', 'theirs')).to.equal(2);
  });

  it('runs every contender once per round and counts what it signs', async () => {
    const calls: string[] = [];
    const contenders = {
      a: async () => (calls.push('a'), 'https://a'),
      b: async () => (calls.push('b'), 'https://b'),
    };
    const rates = await runSigningRounds(contenders, { seconds: 0.01, rounds: 2, write: false });
    expect(Object.keys(rates)).to.deep.equal(['a', 'b']);
    expect(rates.a).to.have.length(2);
    expect(rates.b).to.have.length(2);
    expect([...rates.a!, ...rates.b!].every((rate) => rate > 0)).to.equal(true);
    expect(calls).to.include('a').and.to.include('b');
  });

  it('refuses a contender that produces no URL', async () => {
    const error = await urlsPerSecond(async () => '', 1).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.equal('no URL produced');
  });

  it('heads a report with the command, the run and the table', () => {
    const head = reportHead('Signing', 'bench/x.ts', { seconds: 2, rounds: 5, write: true }, 'same keys.');
    expect(head[0]).to.equal('## Signing');
    expect(head[2]).to.equal('Command: `node --import tsx bench/x.ts --seconds=2 --rounds=5`');
    expect(head[5]).to.equal('same keys.');
    expect(head.at(-2)).to.equal('| contender | URLs/s (median) | µs per URL |');
  });
});
