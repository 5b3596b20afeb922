/**
 * nginx in front of the Koa app, the app streaming a file itself (the offload strategy declines
 * it, as it declines a name its server cannot express, so the policy falls back to directStream)
 * while the file changes size after the app announced its length: the client of nginx must see a
 * failed transfer, never a short or clipped 200 that nginx completed cleanly.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LocalStorage, xAccel, type Key } from '@sendoff/core';
import { expectConnectionToCloseShort, expectFetchToFail, resizedOnOpen, type CutShortCheck } from '@sendoff/core/testing';
import { startBackend, type Backend } from '../servers/backend.js';
import { fileUrl } from '../servers/http.js';
import { startServer, type StartedServer } from '../servers/start-server.js';

const SIZE = 3 * 64 * 1024;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 17 + 3) % 256));
const SIZE_ON_READ: Record<string, number> = { 'cut.bin': 100_000, 'grown.bin': SIZE + 1000 };

describe('nginx in front of an app whose streamed file changes size while it is sent', function () {
  this.timeout(60_000);
  let base = '';
  let root = '';
  let backend: Backend | undefined;
  let server: StartedServer | undefined;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'sendoff-nginx-cut-'));
    await chmod(base, 0o755);
    root = join(base, 'root');
    await mkdir(root, { mode: 0o755 });
    const strategy = xAccel({ root, prefix: '/_protected/' });
    const declining = { ...strategy, canServe: () => false };
    const storage = resizedOnOpen(new LocalStorage({ root }), (key: Key) => SIZE_ON_READ[key]);
    backend = await startBackend({ root, storage, strategy: declining });
    server = await startServer('nginx', { upstreamPort: backend.port, strategy });
  });
  after(async () => {
    await server?.stop();
    await backend?.stop();
    if (base !== '') await rm(base, { recursive: true, force: true });
  });

  /** Both client views, each on a fresh copy of the file; the app streamed it every time. */
  async function expectFailedTransfer(key: string, check: CutShortCheck): Promise<void> {
    for (const client of [expectConnectionToCloseShort, expectFetchToFail]) {
      await writeFile(join(root, key), BYTES);
      await client(`${server!.url}${fileUrl(key)}`, check);
      expect(backend!.decisions.at(-1)).to.deep.equal({ rule: 'fallback', strategy: 'directStream' });
    }
  }

  it('a file cut while the app streams it: the client of nginx sees the transfer fail', async () => {
    await expectFailedTransfer('cut.bin', { status: 200, expected: BYTES });
  });

  it('a range of a file cut while the app streams it: 206, then the transfer fails', async () => {
    await expectFailedTransfer('cut.bin', { status: 206, expected: BYTES.subarray(1000, 151_000), headers: { Range: 'bytes=1000-150999' } });
  });

  it('a file that grew since the app looked at it: nginx never completes the announced length', async () => {
    await expectFailedTransfer('grown.bin', { status: 200, expected: BYTES });
  });
});
