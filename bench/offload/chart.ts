/**
 * A grouped bar chart as standalone SVG: one group per scenario, a p50 and a p99 bar in each,
 * a labelled millisecond axis with round ticks, and every value printed above its bar.
 */

export interface LatencyGroup {
  label: string;
  /** Milliseconds. */
  p50: number;
  p99: number;
}

export interface ChartOptions {
  title: string;
  /** A second, smaller line under the title (e.g. the load applied). */
  subtitle?: string;
  groups: readonly LatencyGroup[];
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { top: 72, right: 24, bottom: 64, left: 72 };
const SERIES = [
  { key: 'p50', name: 'p50', color: '#4e79a7' },
  { key: 'p99', name: 'p99', color: '#e15759' },
] as const;
const TICKS = 5;

export function latencyChartSvg(options: ChartOptions): string {
  const plot = { width: WIDTH - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom };
  const top = niceCeiling(Math.max(0, ...options.groups.flatMap((g) => [g.p50, g.p99]).filter(Number.isFinite)));
  const y = (value: number) => MARGIN.top + plot.height - (value / top) * plot.height;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
    ...(options.subtitle ? [`<text x="${WIDTH / 2}" y="44" text-anchor="middle" fill="#555555">${escapeXml(options.subtitle)}</text>`] : []),
    ...axes(plot, top, y),
    ...bars(options.groups, plot, y),
    ...legend(),
    '</svg>',
    '',
  ].join('\n');
}

function axes(plot: { width: number; height: number }, top: number, y: (v: number) => number): string[] {
  const left = MARGIN.left;
  const right = MARGIN.left + plot.width;
  const bottom = MARGIN.top + plot.height;
  const ticks = Array.from({ length: TICKS + 1 }, (_, i) => (top * i) / TICKS);
  const middle = MARGIN.top + plot.height / 2;
  return [
    ...ticks.map((tick) =>
      [
        `<line x1="${left}" y1="${round(y(tick))}" x2="${right}" y2="${round(y(tick))}" stroke="#e0e0e0"/>`,
        `<text x="${left - 8}" y="${round(y(tick) + 4)}" text-anchor="end">${formatMs(tick)}</text>`,
      ].join('\n'),
    ),
    `<line x1="${left}" y1="${MARGIN.top}" x2="${left}" y2="${bottom}" stroke="#333333"/>`,
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#333333"/>`,
    `<text x="20" y="${middle}" text-anchor="middle" transform="rotate(-90 20 ${middle})">latency (ms)</text>`,
    `<text x="${left + plot.width / 2}" y="${HEIGHT - 14}" text-anchor="middle">scenario</text>`,
  ];
}

function bars(groups: readonly LatencyGroup[], plot: { width: number; height: number }, y: (v: number) => number): string[] {
  const slot = plot.width / Math.max(1, groups.length);
  const barWidth = Math.min(64, (slot * 0.7) / SERIES.length);
  const bottom = MARGIN.top + plot.height;
  return groups.flatMap((group, index) => {
    const centre = MARGIN.left + slot * (index + 0.5);
    const start = centre - (barWidth * SERIES.length) / 2;
    const rects = SERIES.map((series, s) => {
      const value = group[series.key];
      const x = round(start + s * barWidth);
      const top = Number.isFinite(value) ? round(y(value)) : bottom;
      return [
        `<rect x="${x}" y="${top}" width="${round(barWidth - 4)}" height="${round(bottom - top)}" fill="${series.color}"><title>${escapeXml(`${group.label} ${series.name}: ${formatMs(value)} ms`)}</title></rect>`,
        `<text x="${round(x + (barWidth - 4) / 2)}" y="${round(top - 5)}" text-anchor="middle">${formatMs(value)}</text>`,
      ].join('\n');
    });
    return [...rects, `<text x="${round(centre)}" y="${bottom + 20}" text-anchor="middle">${escapeXml(group.label)}</text>`];
  });
}

function legend(): string[] {
  return SERIES.map((series, index) => {
    const x = WIDTH - MARGIN.right - 130 + index * 64;
    return `<rect x="${x}" y="52" width="12" height="12" fill="${series.color}"/><text x="${x + 18}" y="62">${series.name}</text>`;
  });
}

/** The smallest 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^n at or above `value` (1 for zero or less). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value * (1 - 1e-12))!;
  return step * magnitude;
}

/** Milliseconds with as many decimals as their size needs: 0.42, 3.1, 27. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value === 0) return '0';
  if (value < 1) return value.toFixed(2);
  if (value < 10) return value.toFixed(1);
  return value.toFixed(0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
