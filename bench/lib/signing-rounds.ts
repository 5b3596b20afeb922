/**
 * Rounds of a signing benchmark: each contender (a function producing one signed URL) runs back
 * to back for a fixed time, in an order that alternates from round to round, after a warm-up;
 * the rates come back per contender, one per round, so ratios can pair runs made under the same
 * machine load. Progress goes to stderr.
 */
import { parseArgs } from 'node:util';
import { formatNumber, median, ratio } from './stats.js';

export type Signer = () => Promise<string>;

export interface RoundOptions {
  seconds: number;
  rounds: number;
  /** Write the report's section of bench/RESULTS.md. */
  write: boolean;
}

/** `--seconds=2 --rounds=5 --write` from the command line. */
export function roundOptionsFromArgs(): RoundOptions {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '5' },
      write: { type: 'boolean', default: false },
    },
  });
  return { seconds: Number(values.seconds), rounds: Number(values.rounds), write: values.write };
}

/** URLs per second of `sign`, run back to back for `durationMs`. */
export async function urlsPerSecond(sign: Signer, durationMs: number): Promise<number> {
  const start = performance.now();
  let count = 0;
  let length = 0;
  while (performance.now() - start < durationMs) {
    for (let i = 0; i < 50; i++) length += (await sign()).length;
    count += 50;
  }
  if (length === 0) throw new Error('no URL produced');
  return count / ((performance.now() - start) / 1000);
}

/** The rate of every contender in every round. */
export async function runSigningRounds(contenders: Readonly<Record<string, Signer>>, options: RoundOptions): Promise<Record<string, number[]>> {
  const names = Object.keys(contenders);
  for (const name of names) await urlsPerSecond(contenders[name]!, 300); // warm-up: JIT, endpoint resolution
  const rates: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) rates[name]!.push(await urlsPerSecond(contenders[name]!, options.seconds * 1000));
    process.stderr.write(`[bench] round ${round + 1}/${options.rounds}: ${names.map((n) => `${n} ${formatNumber(rates[n]!.at(-1)!)}/s`).join(', ')}\n`);
  }
  return rates;
}

/** The median of the per-round ratios of `name`'s rate to `peer`'s. */
export function pairedRatio(rates: Readonly<Record<string, number[]>>, name: string, peer: string): number {
  return median(rates[name]!.map((value, round) => ratio(value, rates[peer]![round]!)));
}

/** The first lines of a report section: heading, command, how it was run (`alike`: what the contenders share), and the table head. */
export function reportHead(heading: string, script: string, options: RoundOptions, alike: string): string[] {
  return [
    `## ${heading}`,
    '',
    `Command: \`node --import tsx ${script} --seconds=${options.seconds} --rounds=${options.rounds}\``,
    '',
    `Node ${process.version}, ${options.rounds} rounds of ${options.seconds} s each per contender (alternating order), median URLs/s, one URL at a time;`,
    alike,
    'The machine was shared with other work, so absolute rates vary between rounds; the paired ratio is steadier.',
    '',
    '| contender | URLs/s (median) | µs per URL |',
    '|---|---:|---:|',
  ];
}
