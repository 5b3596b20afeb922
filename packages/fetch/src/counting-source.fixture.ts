import { Readable } from 'node:stream';

/** A source of `count` chunks of `size` bytes (chunk i filled with i % 256) made on demand, counting the chunks it was asked for. */
export function countingSource(count: number, size: number): { source: Readable; made: () => number } {
  let made = 0;
  const source = new Readable({
    highWaterMark: size,
    read() {
      this.push(made < count ? Buffer.alloc(size, made++ % 256) : null);
    },
  });
  return { source, made: () => made };
}
