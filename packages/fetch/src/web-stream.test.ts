import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect } from 'chai';
import { SendoffError } from '@sendoff/core';
import { countingSource } from './counting-source.fixture.js';
import { webStreamOf } from './web-stream.js';

const CHUNK = 16 * 1024;
const CHUNKS = 1024;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('webStreamOf', () => {
  it('passes every byte through, in order, and ends', async () => {
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256));
    const body = await readAll(webStreamOf(Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 70_000), bytes.subarray(70_000)])));
    expect(body.equals(bytes)).to.equal(true);
  });

  it('reads the source only as far as the consumer asks (backpressure)', async () => {
    const { source, made } = countingSource(CHUNKS, CHUNK);
    const reader = webStreamOf(source).getReader();
    for (let turn = 0; turn < 20; turn++) await nextTurn();
    const beforeAnyRead = made();
    const first = await reader.read();
    expect(first.value?.length).to.equal(CHUNK);
    for (let turn = 0; turn < 20; turn++) await nextTurn();
    expect(beforeAnyRead).to.be.at.most(2);
    expect(made()).to.be.below(8);
    await reader.cancel();
  });

  it('cancelling destroys the source (the file handle closes)', async () => {
    const { source } = countingSource(CHUNKS, CHUNK);
    const reader = webStreamOf(source).getReader();
    await reader.read();
    await reader.cancel();
    expect(source.destroyed).to.equal(true);
  });

  it('a source that fails errors the stream with a STORAGE_ERROR that keeps the path out of its message', async () => {
    let reads = 0;
    const source = new Readable({
      read() {
        if (reads++ === 0) this.push(Buffer.from('0123'));
        else this.destroy(Object.assign(new Error("EIO: i/o error, read '/srv/files/secret.bin'"), { code: 'EIO' }));
      },
    });
    const reader = webStreamOf(source).getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).to.equal('0123');
    const failure = await reader.read().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(SendoffError).that.includes({ code: 'STORAGE_ERROR', expose: false });
    expect((failure as Error).message).to.not.include('/srv/files');
    expect((failure as Error).cause).to.be.instanceOf(Error);
  });

  it('a source destroyed before its end without an error errors the stream (a short body never ends as if whole)', async () => {
    let reads = 0;
    const source = new Readable({
      read() {
        if (reads++ === 0) this.push(Buffer.from('0123'));
        else this.destroy();
      },
    });
    const failure = await readAll(webStreamOf(source)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(SendoffError).that.includes({ code: 'STORAGE_ERROR', expose: false });
  });

  it('keeps the length guard\'s own unexposed SendoffError', async () => {
    const guard = new SendoffError('STORAGE_ERROR', 'the source ended after 4 of 10 bytes announced', { expose: false });
    const source = new Readable({ read() { this.destroy(guard); } });
    const failure = await readAll(webStreamOf(source)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.equal(guard);
  });
});
