/**
 * directStream promises Content-Length before the first byte leaves. When the file then delivers
 * fewer bytes (cut while it is read) or more (grown since it was looked at), the download must
 * fail for the client rather than end as a short, or silently clipped, 200: real HTTP through
 * core's plan server, a Deliverer over a LocalStorage whose file changes size on open.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Key } from '../contracts.js';
import { createDelivery } from '../deliverer/create-delivery.js';
import { LocalStorage } from '../storage/local-storage.js';
import { expectConnectionToCloseShort, expectFetchToFail, type CutShortCheck } from '../testing/cut-short.js';
import { createPlanServer, type PlanServer } from '../testing/plan-server.js';
import { resizedOnOpen } from '../testing/resized-on-open.js';
import { directStream } from './direct-stream.js';

/** Three reads of 64 KiB: the growth comes in a read of its own, after the planned length. */
const SIZE = 3 * 64 * 1024;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 31 + 7) % 256));
const CUT_TO = 100_000;
const SIZE_ON_READ: Record<string, number> = { 'cut.bin': CUT_TO, 'grown.bin': SIZE + 1000 };

describe('directStream: a file that changes size while it is sent fails the transfer', () => {
  let root: string;
  let server: PlanServer;

  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-cut-short-'));
    const storage = resizedOnOpen(new LocalStorage({ root }), (key: Key) => SIZE_ON_READ[key]);
    const deliverer = createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    server = await createPlanServer((request, url) => deliverer.deliver(request, { key: decodeURIComponent(url.pathname.slice(1)) }));
  });
  after(async () => {
    await server?.close();
    if (root) await fsp.rm(root, { recursive: true, force: true });
  });

  /** Both client views, each on a fresh copy of the file (the change on open is for good). */
  async function expectFailedTransfer(key: string, check: CutShortCheck): Promise<void> {
    await fsp.writeFile(path.join(root, key), BYTES);
    await expectConnectionToCloseShort(`${server.baseUrl}/${key}`, check);
    await fsp.writeFile(path.join(root, key), BYTES);
    await expectFetchToFail(`${server.baseUrl}/${key}`, check);
  }

  it('a file cut while it is read: 200, then the connection closes short of Content-Length', async () => {
    await expectFailedTransfer('cut.bin', { status: 200, expected: BYTES });
  });

  it('a range of a file cut while it is read: 206, then the connection closes short of Content-Length', async () => {
    await expectFailedTransfer('cut.bin', { status: 206, expected: BYTES.subarray(1000, 151_000), headers: { Range: 'bytes=1000-150999' } });
  });

  it('a file that grew since it was looked at: its first bytes never pass for the whole file', async () => {
    await expectFailedTransfer('grown.bin', { status: 200, expected: BYTES });
  });
});
