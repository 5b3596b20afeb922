/**
 * One suite for every adapter: a download whose file changes size after the plan announced its
 * length (cut while it is read, whole or as a range; grown since it was looked at). Each time,
 * through both client views of `cut-short.ts`, the transfer must fail (never a whole-looking body,
 * never an error body after the head), and the app must hear of it as an unexposed STORAGE_ERROR
 * whose message does not name the file's path. Registers mocha suites.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strict as assert } from 'node:assert';
import type { Key } from '../contracts.js';
import { createDelivery } from '../deliverer/create-delivery.js';
import type { Deliverer } from '../deliverer/types.js';
import { LocalStorage } from '../storage/local-storage.js';
import { directStream } from '../strategies/direct-stream.js';
import { expectConnectionToCloseShort, expectFetchToFail, type CutShortCheck } from './cut-short.js';
import { resizedOnOpen } from './resized-on-open.js';

/** What an app reported of a failed transfer: a SendoffError, or its fields as a log line has them. */
export interface ReportedFailure {
  code?: unknown;
  message?: unknown;
  expose?: unknown;
}

export interface CutShortTarget {
  /** Starts the app, serving `GET /<key>` with `deliverer` and the options `{ key }`. */
  start(deliverer: Deliverer): Promise<{ url: string; close(): Promise<void> }>;
  /**
   * Runs `transfer` (a request the app answers with a failed transfer) and resolves with what the
   * app reported of the failure: through its error handler, logger or error event.
   */
  reported(transfer: () => Promise<void>): Promise<ReportedFailure>;
}

const SIZE = 3 * 64 * 1024;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 13 + 5) % 256));
const SIZE_ON_READ: Record<string, number> = { 'cut.bin': 100_000, 'grown.bin': SIZE + 1000 };

export function describeCutShort(name: string, target: CutShortTarget): void {
  describe(`${name}: a file that changes size while it is sent`, () => {
    let root = '';
    let running: { url: string; close(): Promise<void> } | undefined;

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-cut-short-'));
      const storage = resizedOnOpen(new LocalStorage({ root }), (key: Key) => SIZE_ON_READ[key]);
      running = await target.start(createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } }));
    });
    after(async () => {
      await running?.close();
      if (root !== '') await fsp.rm(root, { recursive: true, force: true });
    });

    /** Both client views, each on a fresh copy of the file; the app hears of a STORAGE_ERROR each time. */
    async function expectFailedTransfer(key: string, check: CutShortCheck): Promise<void> {
      for (const client of [expectConnectionToCloseShort, expectFetchToFail]) {
        await fsp.writeFile(path.join(root, key), BYTES);
        const failure = await target.reported(() => client(`${running!.url}/${key}`, check));
        assert.equal(failure.code, 'STORAGE_ERROR', `${client.name}: the reported failure`);
        if (failure.expose !== undefined) assert.equal(failure.expose, false, 'the failure is not shown to the client');
        assert.ok(!String(failure.message).includes(root), `the message names the file's path: ${String(failure.message)}`);
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
