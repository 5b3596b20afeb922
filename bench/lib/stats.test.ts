import { expect } from 'chai';
import { formatRatio, median, ratio } from './stats.js';

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
});
