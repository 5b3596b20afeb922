import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FileStat, Key, PutMeta, Storage } from '../contracts.js';
import { installProbe, PROBE_KEY, PROBE_PATH } from './probe.js';

/** A storage that keeps what is put, enough to see what the probe stores. */
function memoryStorage(): Storage & { files: Map<string, { bytes: Buffer; meta: PutMeta | undefined }> } {
  const files = new Map<string, { bytes: Buffer; meta: PutMeta | undefined }>();
  const stat = (bytes: Buffer): FileStat => ({ size: bytes.length, mtime: new Date(0), etag: '"x"' });
  return {
    files,
    locationKinds: ['local'],
    stat: async (key: Key) => stat(files.get(key)!.bytes),
    open: async (key: Key) => Readable.from(files.get(key)!.bytes),
    locate: async () => { throw new Error('not used'); },
    put: async (key: Key, body: Readable | Buffer, meta?: PutMeta) => {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      files.set(key, { bytes, meta });
      return stat(bytes);
    },
  };
}

describe('installProbe', () => {
  it('stores fresh random bytes and describes them with their sha256', async () => {
    const storage = memoryStorage();
    const probe = await installProbe(storage);
    const stored = storage.files.get(PROBE_KEY)!;
    expect(stored.bytes.length).to.equal(4096);
    expect(probe.key).to.equal(PROBE_KEY);
    expect(probe.path).to.equal(PROBE_PATH);
    expect(probe.expectation).to.deep.equal({
      key: PROBE_KEY,
      size: 4096,
      sha256: createHash('sha256').update(stored.bytes).digest('hex'),
      contentType: 'application/octet-stream',
    });
    expect(stored.meta).to.deep.equal({ contentType: 'application/octet-stream', size: 4096 });
    const again = await installProbe(memoryStorage());
    expect(again.expectation.sha256).to.not.equal(probe.expectation.sha256);
  });

  it('tells the expectation request from the file request', async () => {
    const probe = await installProbe(memoryStorage(), { path: '/health/probe', key: 'diag/p.bin', size: 10 });
    expect(probe.expectation.size).to.equal(10);
    expect(probe.answerFor('GET', '/health/probe?expect=1')).to.equal('expectation');
    expect(probe.answerFor('GET', '/health/probe')).to.equal('file');
    expect(probe.answerFor('HEAD', '/health/probe?x=1')).to.equal('file');
    expect(probe.answerFor('POST', '/health/probe')).to.equal(undefined);
    expect(probe.answerFor('GET', '/health/probe/other')).to.equal(undefined);
    expect(probe.answerFor('GET', '/_sendoff/probe')).to.equal(undefined);
  });

  it('describe() names the strategy strategyFor gives for the probe key, asked each time', async () => {
    const asked: string[] = [];
    let strategy: string | undefined = 'xAccel';
    const probe = await installProbe(memoryStorage(), {
      size: 8,
      strategyFor: async (key) => {
        asked.push(key);
        return strategy;
      },
    });
    expect(await probe.describe()).to.deep.equal({ ...probe.expectation, strategy: 'xAccel' });
    strategy = 'directStream';
    expect((await probe.describe()).strategy).to.equal('directStream');
    strategy = undefined;
    expect(await probe.describe()).to.deep.equal(probe.expectation);
    expect(asked).to.deep.equal([PROBE_KEY, PROBE_KEY, PROBE_KEY]);
    expect(probe.expectation).to.not.have.property('strategy');
  });

  it('describe() without strategyFor is the expectation alone', async () => {
    const probe = await installProbe(memoryStorage(), { size: 8 });
    const described = await probe.describe();
    expect(described).to.deep.equal(probe.expectation);
    expect(described).to.not.have.property('strategy');
  });

  it('refuses a key that is not a key', async () => {
    const failure = await installProbe(memoryStorage(), { key: '../etc/passwd' }).catch((error: { code: string }) => error);
    expect(failure).to.have.property('code', 'INVALID_KEY');
  });
});
