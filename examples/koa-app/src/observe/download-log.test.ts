/**
 * The download log of the app (in-process, dev profile: the app streams every file itself): one
 * JSON line per download, written when the stream closes, with the bytes that went out; a client
 * that goes away mid-download gives an `aborted` line with fewer bytes than the file.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { readThenAbandon } from '@sendoff-tools/test-kit';
import { signIn, startTestApp, uploadedId, type TestApp } from '../../test/support.js';

const SIZE = 8 * 2 ** 20;

describe('example app: the download log', () => {
  let t: TestApp;
  const lines: string[] = [];

  before(async () => {
    t = await startTestApp({ downloadLog: (line) => lines.push(line) });
  });
  after(async () => {
    await t.stop();
  });

  /** The lines logged for `file`, waiting a little for the first (a stream is logged when it closes). */
  async function linesFor(file: string): Promise<Array<Record<string, unknown>>> {
    const of = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['file'] === file);
    for (let attempt = 0; attempt < 100 && of().length === 0; attempt++) await delay(20);
    return of();
  }

  it('logs a download the client abandons as aborted, with the bytes sent before, and no owner or key', async () => {
    const alice = await signIn(t.url, 'alice');
    const id = await uploadedId(t.url, alice, { filename: 'big.bin', contentType: 'application/octet-stream', bytes: Buffer.alloc(SIZE, 9) });
    const received = await readThenAbandon(`${t.url}/api/files/${id}/download`, 64 * 1024, { Authorization: `Bearer ${alice}` });
    expect(received.status).to.equal(200);
    const [line, ...more] = await linesFor(id);
    expect(more).to.deep.equal([]);
    expect(line).to.deep.include({ msg: 'download', file: id, method: 'GET', strategy: 'directStream', rule: 'fallback', status: 200, size: SIZE, stream: 'aborted' });
    expect(line!['bytes']).to.be.a('number').at.least(received.bytes).and.below(SIZE);
    // Koa destroys the body without an error when the client goes away: nothing to name.
    expect(line!['error']).to.equal(undefined);
    expect(JSON.stringify(line)).to.not.include('alice');
  });
});
