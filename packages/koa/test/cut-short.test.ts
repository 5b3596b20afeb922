/**
 * A download whose file changes size after the plan announced its length, through the Koa
 * adapter: the adapter must not end the response as if it were whole. The connection is
 * destroyed (no error body after the 200 head, even with an error-rendering middleware in front),
 * and the app hears of the failure through Koa's 'error' event.
 */
import { once } from 'node:events';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, SendoffError, type Key } from '@sendoff/core';
import { expectConnectionToCloseShort, expectFetchToFail, resizedOnOpen, type CutShortCheck } from '@sendoff/core/testing';
import { deliver } from '../src/index.js';
import { listen, type Listening } from '@sendoff-tools/test-kit';

const SIZE = 3 * 64 * 1024;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 13 + 5) % 256));
const SIZE_ON_READ: Record<string, number> = { 'cut.bin': 100_000, 'grown.bin': SIZE + 1000 };

describe('@sendoff/koa: a file that changes size while it is sent', () => {
  let root: string;
  let app: Koa;
  let running: Listening | undefined;

  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-koa-cut-'));
    const storage = resizedOnOpen(new LocalStorage({ root }), (key: Key) => SIZE_ON_READ[key]);
    const deliverer = createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    app = new Koa();
    app.silent = true;
    // What apps put first: render errors as JSON. It must never get to write after the head.
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        ctx.status = error instanceof SendoffError ? error.status : 500;
        ctx.body = { error: { code: error instanceof SendoffError ? error.code : 'INTERNAL' } };
      }
    });
    app.use(async (ctx) => {
      await deliver(ctx, deliverer, { key: ctx.path.slice(1) });
    });
    running = await listen(app.callback());
  });
  after(async () => {
    await running?.close();
    if (root) await fsp.rm(root, { recursive: true, force: true });
  });

  /** Both client views, each on a fresh copy of the file; the app reports a STORAGE_ERROR each time. */
  async function expectFailedTransfer(key: string, check: CutShortCheck): Promise<void> {
    for (const client of [expectConnectionToCloseShort, expectFetchToFail]) {
      await fsp.writeFile(path.join(root, key), BYTES);
      const reported = once(app, 'error') as Promise<[unknown]>;
      await client(`${running!.url}/${key}`, check);
      const [error] = await reported;
      expect(error).to.be.instanceOf(SendoffError).that.includes({ code: 'STORAGE_ERROR', expose: false });
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
