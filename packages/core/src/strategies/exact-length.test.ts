import { Readable } from 'node:stream';
import { expect } from 'chai';
import { SendoffError } from '../errors/sendoff-error.js';
import { exactLength } from './exact-length.js';

/** Every chunk the guarded stream let out, and the error it ended with (if any). */
function drain(stream: Readable): Promise<{ out: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve({ out: Buffer.concat(chunks), error: undefined }));
    stream.once('error', (error) => resolve({ out: Buffer.concat(chunks), error }));
  });
}

const pieces = (...texts: string[]) => Readable.from(texts.map((text) => Buffer.from(text)));

describe('exactLength', () => {
  it('passes exactly the announced bytes through unchanged', async () => {
    const { out, error } = await drain(exactLength(pieces('hello ', 'sendoff', '\n'), 14));
    expect(error).to.equal(undefined);
    expect(out.toString()).to.equal('hello sendoff\n');
  });

  it('fails a source that ends early with an unexposed STORAGE_ERROR', async () => {
    const { out, error } = await drain(exactLength(pieces('hello ', 'send'), 14));
    expect(out.toString()).to.equal('hello send');
    expect(error).to.be.instanceOf(SendoffError).that.includes({ code: 'STORAGE_ERROR', status: 502, expose: false });
    expect((error as Error).message).to.equal('the source ended after 10 of the 14 bytes announced');
  });

  it('fails a source that runs long before the announced length is out', async () => {
    const { out, error } = await drain(exactLength(pieces('hello ', 'sendoff\n', 'and more'), 14));
    expect(out.toString()).to.equal('hello ');
    expect(error).to.be.instanceOf(SendoffError).that.includes({ code: 'STORAGE_ERROR', expose: false });
    expect((error as Error).message).to.equal('the source sent more than the 14 bytes announced');
  });

  it('fails a source whose own read fails, with that error', async () => {
    const broken = new Readable({ read() { this.destroy(new Error('disk gone')); } });
    const { error } = await drain(exactLength(broken, 14));
    expect((error as Error).message).to.equal('disk gone');
  });

  it('destroys the source when the guarded stream is destroyed', async () => {
    const source = new Readable({ read() {} });
    const guarded = exactLength(source, 14);
    guarded.destroy();
    await new Promise((resolve) => source.once('close', resolve));
    expect(source.destroyed).to.equal(true);
  });
});
