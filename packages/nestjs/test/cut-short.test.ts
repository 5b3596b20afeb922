/**
 * A download whose file changes size after the plan announced its length, on both platforms: the
 * response must not end as if it were whole. The connection is destroyed (no error body after the
 * 200 head, though Nest's exception layer stands behind the controller), and the failure is logged
 * through Nest's logger.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, SendoffError, type Key } from '@sendoff/core';
import { expectConnectionToCloseShort, expectFetchToFail, resizedOnOpen, type CutShortCheck } from '@sendoff/core/testing';
import { CaptureLogger } from './capture-logger.js';
import { startDownloadApp } from './download-app.js';
import { PLATFORMS, type RunningNestApp } from './nest-app.js';

const SIZE = 3 * 64 * 1024;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 13 + 5) % 256));
const SIZE_ON_READ: Record<string, number> = { 'cut.bin': 100_000, 'grown.bin': SIZE + 1000 };

for (const platform of PLATFORMS) {
  describe(`@sendoff/nestjs on the ${platform} platform: a file that changes size while it is sent`, () => {
    let root: string;
    let logger: CaptureLogger;
    let running: RunningNestApp | undefined;

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-nestjs-cut-'));
      const storage = resizedOnOpen(new LocalStorage({ root }), (key: Key) => SIZE_ON_READ[key]);
      const deliverer = createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
      logger = new CaptureLogger();
      running = await startDownloadApp(platform, deliverer, (urlPath) => ({ key: urlPath.slice(1) }), { logger });
    });
    after(async () => {
      await running?.close();
      if (root) await fsp.rm(root, { recursive: true, force: true });
    });

    /** Both client views, each on a fresh copy of the file; a STORAGE_ERROR is logged each time. */
    async function expectFailedTransfer(key: string, check: CutShortCheck): Promise<void> {
      for (const client of [expectConnectionToCloseShort, expectFetchToFail]) {
        await fsp.writeFile(path.join(root, key), BYTES);
        logger.errors.length = 0;
        await client(`${running!.url}/${key}`, check);
        while (logger.errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        // Each failed transfer is logged as an unexposed STORAGE_ERROR (a client may retry once).
        expect(logger.loggedErrors()).to.have.length.within(1, 2);
        for (const error of logger.loggedErrors()) expect(error).to.be.instanceOf(SendoffError).that.includes({ code: 'STORAGE_ERROR', expose: false });
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
