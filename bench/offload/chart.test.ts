import { expect } from 'chai';
import { formatMs, latencyChartSvg, niceCeiling } from './chart.js';

const GROUPS = [
  { label: 'idle', p50: 0.5, p99: 2 },
  { label: 'nginx X-Accel', p50: 0.8, p99: 4 },
  { label: 'direct <stream> & co', p50: 12, p99: 120 },
];

/** The `<rect>` bars (those with a tooltip), as numbers. */
function barsOf(svg: string): Array<{ x: number; y: number; height: number; title: string }> {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="#[0-9a-f]+"><title>([^<]*)<\/title>/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    height: Number(m[3]),
    title: m[4]!,
  }));
}

describe('latency chart', () => {
  it('rounds the axis up to a round number', () => {
    expect(niceCeiling(120)).to.equal(150);
    expect(niceCeiling(125)).to.equal(150);
    expect(niceCeiling(4)).to.equal(4);
    expect(niceCeiling(0.37)).to.equal(0.4);
    expect(niceCeiling(7)).to.equal(8);
    expect(niceCeiling(0)).to.equal(1);
  });

  it('prints milliseconds with the decimals their size needs', () => {
    expect(formatMs(0.4219)).to.equal('0.42');
    expect(formatMs(3.14)).to.equal('3.1');
    expect(formatMs(27.4)).to.equal('27');
    expect(formatMs(Number.NaN)).to.equal('n/a');
  });

  it('draws a p50 and a p99 bar per scenario, heights proportional to the values, the largest on a 150 ms axis', () => {
    const svg = latencyChartSvg({ title: 'JSON latency', groups: GROUPS });
    const bars = barsOf(svg);
    expect(bars.map((b) => b.title)).to.deep.equal([
      'idle p50: 0.50 ms',
      'idle p99: 2.0 ms',
      'nginx X-Accel p50: 0.80 ms',
      'nginx X-Accel p99: 4.0 ms',
      'direct &lt;stream&gt; &amp; co p50: 12 ms',
      'direct &lt;stream&gt; &amp; co p99: 120 ms',
    ]);
    const plotHeight = 420 - 72 - 64;
    expect(bars[5]!.height).to.be.closeTo((120 / 150) * plotHeight, 0.1);
    expect(bars[4]!.height).to.be.closeTo((12 / 150) * plotHeight, 0.1);
    expect(bars[1]!.height).to.be.closeTo((2 / 150) * plotHeight, 0.1);
    // Groups left to right, p50 left of p99 in each.
    const xs = bars.map((b) => b.x);
    expect(xs).to.deep.equal([...xs].sort((a, b) => a - b));
    // Every bar ends on the x axis.
    for (const bar of bars) expect(bar.y + bar.height).to.be.closeTo(72 + plotHeight, 0.11);
  });

  it('labels both axes, prints each value, ticks up to the axis top and escapes text', () => {
    const svg = latencyChartSvg({ title: 'p50 & p99 <ms>', subtitle: '32 "clients"', groups: GROUPS });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
    expect(svg).to.include('>latency (ms)</text>');
    expect(svg).to.include('>scenario</text>');
    expect(svg).to.include('>p50 &amp; p99 &lt;ms&gt;</text>');
    expect(svg).to.include('>32 &quot;clients&quot;</text>');
    for (const value of ['0.50', '2.0', '0.80', '4.0', '12', '120']) expect(svg).to.include(`>${value}</text>`);
    for (const tick of ['0', '30', '60', '90', '120', '150']) expect(svg).to.include(`text-anchor="end">${tick}</text>`);
    expect(svg).to.include('>direct &lt;stream&gt; &amp; co</text>');
    expect(svg).not.to.match(/<[a-z]+[^>]*\s<stream/);
  });

  it('draws a missing value as an empty bar marked n/a', () => {
    const bars = barsOf(latencyChartSvg({ title: 't', groups: [{ label: 'none', p50: Number.NaN, p99: 3 }] }));
    expect(bars[0]!.height).to.equal(0);
    expect(bars[0]!.title).to.equal('none p50: n/a ms');
    expect(bars[1]!.height).to.be.greaterThan(0);
  });
});
