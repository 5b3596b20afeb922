import { Readable } from 'node:stream';
import { expect } from 'chai';
import { SendoffError } from '@sendoff/core';
import { contentRangeStart, exactRange, isExactRange } from './exact-range.js';

const object = Buffer.from('abcdefghijklmnopqrstuvwxyz');

function chunks(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

async function collect(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts).toString();
}

describe('exactRange', () => {
  it('reads Content-Range answers', () => {
    expect(contentRangeStart('bytes 10-19/26')).to.equal(10);
    expect(contentRangeStart(undefined)).to.equal(undefined);
    expect(contentRangeStart('bytes */26')).to.equal(undefined);
    expect(isExactRange('bytes 10-19/26', { start: 10, end: 19 })).to.equal(true);
    expect(isExactRange('bytes 0-25/26', { start: 0, end: 0 })).to.equal(false);
    expect(isExactRange(undefined, { start: 0, end: 0 })).to.equal(false);
  });

  it('cuts the asked range out of a whole-object answer, across chunk borders', async () => {
    for (const size of [1, 3, 7, 26]) {
      expect(await collect(exactRange(chunks(object, size), 0, { start: 0, end: 0 }))).to.equal('a');
      expect(await collect(exactRange(chunks(object, size), 0, { start: 5, end: 12 }))).to.equal('fghijklm');
      expect(await collect(exactRange(chunks(object, size), 0, { start: 21, end: 25 }))).to.equal('vwxyz');
    }
  });

  it('cuts from an answer that starts before the range', async () => {
    expect(await collect(exactRange(chunks(object.subarray(4), 5), 4, { start: 6, end: 8 }))).to.equal('ghi');
  });

  it('destroys the source once the range is complete', async () => {
    const source = chunks(object, 2);
    expect(await collect(exactRange(source, 0, { start: 0, end: 2 }))).to.equal('abc');
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed).to.equal(true);
  });

  it('fails the stream when the source ends short, and refuses an answer that starts after the range', async () => {
    const short = exactRange(chunks(object.subarray(0, 5), 2), 0, { start: 0, end: 9 });
    const error = await collect(short).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.match(/ended 5 bytes early/);
    expect(() => exactRange(chunks(object, 2), 10, { start: 3, end: 4 })).to.throw(SendoffError);
  });
});
