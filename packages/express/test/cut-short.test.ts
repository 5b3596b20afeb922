/**
 * A download whose file changes size after the plan announced its length, through the Express
 * adapter on Express 5 and 4: the connection is destroyed short of the announced length (no error
 * body after the 200 head, even with a JSON error handler in the app), and the app's error handler
 * hears of the failure through next(err).
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, SendoffError, type Key } from '@sendoff/core';
import { expectConnectionToCloseShort, expectFetchToFail, resizedOnOpen, type CutShortCheck } from '@sendoff/core/testing';
import { sendoff } from '../src/index.js';
import { listen, type Listening } from '@sendoff-tools/test-kit';
import { EXPRESS_VERSIONS } from './frameworks.js';

const SIZE = 3 * 64 * 1024;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 13 + 5) % 256));
const SIZE_ON_READ: Record<string, number> = { 'cut.bin': 100_000, 'grown.bin': SIZE + 1000 };

for (const version of EXPRESS_VERSIONS) {
  describe(`@sendoff/express on ${version.name}: a file that changes size while it is sent`, () => {
    let root: string;
    let running: Listening | undefined;
    let reported: Array<{ error: unknown; headersSent: boolean }>;

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-express-cut-'));
      const storage = resizedOnOpen(new LocalStorage({ root }), (key: Key) => SIZE_ON_READ[key]);
      const deliverer = createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
      const app = version.create();
      app.use(sendoff(deliverer, (req) => ({ key: req.path.slice(1) })));
      // What apps put last: render errors as JSON. It must never get to write after the head.
      app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
        reported.push({ error, headersSent: res.headersSent });
        if (res.headersSent) return next(error);
        res.status(500).json({ error: 'internal' });
      });
      running = await listen(app);
    });
    beforeEach(() => {
      reported = [];
    });
    after(async () => {
      await running?.close();
      if (root) await fsp.rm(root, { recursive: true, force: true });
    });

    /** Both client views, each on a fresh copy of the file; the app's error handler hears of a STORAGE_ERROR each time. */
    async function expectFailedTransfer(key: string, check: CutShortCheck): Promise<void> {
      for (const client of [expectConnectionToCloseShort, expectFetchToFail]) {
        await fsp.writeFile(path.join(root, key), BYTES);
        const before = reported.length;
        await client(`${running!.url}/${key}`, check);
        while (reported.length === before) await new Promise((resolve) => setImmediate(resolve));
        const { error, headersSent } = reported.at(-1)!;
        expect(error).to.be.instanceOf(SendoffError).that.includes({ code: 'STORAGE_ERROR', expose: false });
        expect(headersSent).to.equal(true);
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
}
