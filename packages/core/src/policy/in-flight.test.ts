import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import { InFlightCounter } from './in-flight.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('InFlightCounter', () => {
  it('counts a stream until it ends, once', async () => {
    const counter = new InFlightCounter();
    const stream = counter.track(Readable.from([Buffer.from('abc')]));
    expect(counter.current).to.equal(1);
    expect(await text(stream)).to.equal('abc');
    await settle();
    expect(counter.current).to.equal(0);
  });

  it('uncounts a destroyed stream once, even with end, close and error', async () => {
    const counter = new InFlightCounter();
    const a = counter.track(new PassThrough());
    const b = counter.track(new PassThrough());
    expect(counter.current).to.equal(2);
    const errors: unknown[] = [];
    a.on('error', (error) => errors.push(error));
    a.destroy(new Error('client went away'));
    await settle();
    expect(counter.current).to.equal(1);
    expect(errors).to.have.length(1);
    b.destroy();
    await settle();
    expect(counter.current).to.equal(0);
  });

  it('returns the same stream, and ignores one that is already destroyed', () => {
    const counter = new InFlightCounter();
    const done = new PassThrough();
    done.destroy();
    expect(counter.track(done)).to.equal(done);
    expect(counter.current).to.equal(0);
  });

  it('tracks many streams independently', async () => {
    const counter = new InFlightCounter();
    const streams = Array.from({ length: 5 }, () => new PassThrough());
    for (const stream of streams) counter.track(stream);
    expect(counter.current).to.equal(5);
    streams[0]?.end();
    streams[0]?.resume();
    streams[1]?.destroy();
    await settle();
    expect(counter.current).to.equal(3);
  });
});
