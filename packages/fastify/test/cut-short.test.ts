/**
 * A download whose file changes size after the plan announced its length, through the Fastify
 * plugin: Fastify destroys the connection short of the announced length (no error body after the
 * 200 head, even with an error handler in the app) and logs the stream's error, which is how the
 * app hears of it.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, type Key } from '@sendoff/core';
import { expectConnectionToCloseShort, expectFetchToFail, resizedOnOpen, type CutShortCheck } from '@sendoff/core/testing';
import { sendoff } from '../src/index.js';
import { listen, type Running } from './app.js';

const SIZE = 3 * 64 * 1024;
const BYTES = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 13 + 5) % 256));
const SIZE_ON_READ: Record<string, number> = { 'cut.bin': 100_000, 'grown.bin': SIZE + 1000 };

interface LogLine {
  level: number;
  msg: string;
  err?: { type?: string; message?: string; code?: string };
}

describe('@sendoff/fastify: a file that changes size while it is sent', () => {
  let root: string;
  let running: Running | undefined;
  let logged: LogLine[];
  let handled: unknown[];

  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-fastify-cut-'));
    const storage = resizedOnOpen(new LocalStorage({ root }), (key: Key) => SIZE_ON_READ[key]);
    const deliverer = createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logged.push(JSON.parse(line) as LogLine);
        callback();
      },
    });
    const app = Fastify({ logger: { level: 'warn', stream: logStream } });
    await app.register(sendoff, { deliverer });
    // What apps add: render errors as JSON. It must never get to write after the head.
    app.setErrorHandler(async (error, _request, reply) => {
      handled.push(error);
      return reply.code(500).send({ error: 'internal' });
    });
    app.get('/*', async (request, reply) => reply.sendoff({ key: request.url.slice(1) }));
    running = await listen(app);
  });
  beforeEach(() => {
    logged = [];
    handled = [];
  });
  after(async () => {
    await running?.close();
    if (root) await fsp.rm(root, { recursive: true, force: true });
  });

  /** Both client views, each on a fresh copy of the file; Fastify logs a STORAGE_ERROR each time. */
  async function expectFailedTransfer(key: string, check: CutShortCheck): Promise<void> {
    for (const client of [expectConnectionToCloseShort, expectFetchToFail]) {
      await fsp.writeFile(path.join(root, key), BYTES);
      const before = logged.length;
      await client(`${running!.url}/${key}`, check);
      while (logged.length === before) await new Promise((resolve) => setImmediate(resolve));
      const line = logged.at(-1)!;
      expect(line.msg).to.equal('response terminated with an error with headers already sent');
      expect(line.err).to.include({ type: 'SendoffError', code: 'STORAGE_ERROR' });
    }
    expect(handled).to.deep.equal([]);
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
