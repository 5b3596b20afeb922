import { expect } from 'chai';
import { formatRatio, median, percentile, ratio, rotate, sum } from './stats.js';

describe('bench stats', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([30, 10, 20])).to.equal(20);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });

  it('has no median for no values', () => {
    expect(median([])).to.be.NaN;
  });

  it('gives no ratio against a zero reference', () => {
    expect(ratio(5, 0)).to.be.NaN;
    expect(formatRatio(ratio(5, 0))).to.equal('n/a');
  });

  it('prints ratios with two decimals', () => {
    expect(formatRatio(ratio(1070, 1000))).to.equal('1.07x');
  });

  it('takes nearest-rank percentiles: p50 and p99 of 1..100 are 50 and 99, p100 is the maximum', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).to.equal(50);
    expect(percentile(values, 99)).to.equal(99);
    expect(percentile(values, 100)).to.equal(100);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile([], 50)).to.be.NaN;
  });

  it('rotates the order by one more each round', () => {
    expect(rotate(['a', 'b', 'c'], 0)).to.deep.equal(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).to.deep.equal(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).to.deep.equal(['b', 'c', 'a']);
  });

  it('adds the values up, 0 for none', () => {
    expect(sum([1, 2, 3.5])).to.equal(6.5);
    expect(sum([])).to.equal(0);
  });
});
