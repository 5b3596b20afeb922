/**
 * A download whose file changes size after the plan announced its length, through
 * `deliverResponse` under Hono on @hono/node-server: the Response's stream errors, so the server
 * destroys the connection instead of ending a short body (no error text after the 200 head), and
 * logs the failure, a STORAGE_ERROR without any path.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, SendoffError, type Key } from '@sendoff/core';
import { expectConnectionToCloseShort, expectFetchToFail, resizedOnOpen, type CutShortCheck, type RunningApp } from '@sendoff/core/testing';
import { createHonoApp, listenHono } from './hono-app.js';

const SIZE = 3 * 64 * 1024;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 13 + 5) % 256));
const SIZE_ON_READ: Record<string, number> = { 'cut.bin': 100_000, 'grown.bin': SIZE + 1000 };

describe('@sendoff/fetch under Hono: a file that changes size while it is sent', () => {
  let root: string;
  let running: RunningApp | undefined;
  const logged: unknown[] = [];
  const consoleError = console.error;

  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-fetch-cut-'));
    const storage = resizedOnOpen(new LocalStorage({ root }), (key: Key) => SIZE_ON_READ[key]);
    const deliverer = createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    running = await listenHono(createHonoApp({ deliverer, resolve: (urlPath) => ({ key: urlPath.slice(1) }) }));
    // @hono/node-server reports a response stream that failed with console.error.
    console.error = (...args: unknown[]) => void logged.push(...args);
  });
  after(async () => {
    console.error = consoleError;
    await running?.close();
    if (root) await fsp.rm(root, { recursive: true, force: true });
  });

  /** Both client views, each on a fresh copy of the file; the server logs a STORAGE_ERROR each time. */
  async function expectFailedTransfer(key: string, check: CutShortCheck): Promise<void> {
    for (const client of [expectConnectionToCloseShort, expectFetchToFail]) {
      await fsp.writeFile(path.join(root, key), BYTES);
      logged.length = 0;
      await client(`${running!.url}/${key}`, check);
      while (logged.length === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(logged[0]).to.be.instanceOf(SendoffError).that.includes({ code: 'STORAGE_ERROR', expose: false });
      expect(String((logged[0] as Error).message)).to.not.include(root);
    }
  }

  it('a file cut while it is read: 200, then the connection is destroyed short of Content-Length', async () => {
    await expectFailedTransfer('cut.bin', { status: 200, expected: BYTES });
  });

  it('a range of a file cut while it is read: 206, then the connection is destroyed', async () => {
    await expectFailedTransfer('cut.bin', { status: 206, expected: BYTES.subarray(1000, 151_000), headers: { Range: 'bytes=1000-150999' } });
  });

  it('a file that grew since it was looked at: the connection is destroyed before the announced length is out', async () => {
    await expectFailedTransfer('grown.bin', { status: 200, expected: BYTES });
  });
});
