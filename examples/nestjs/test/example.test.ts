/**
 * The NestJS example as its users run it (`node --import tsx src/main.ts` from this directory), on
 * the Express and on the Fastify platform: a Range request is a 206 with exactly those bytes, the
 * whole file a 200, a caller without X-User a 401, a hostile id a 4xx.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { fetchResponse } from '@sendoff/core/testing';
import { portFrom, spawnScript, stopChild } from '../../../bench/lib/child-server.js';
import { waitForAnnouncement } from '../../../bench/lib/wait-for-announcement.js';

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));
const INVOICE = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) % 256));

for (const platform of ['express', 'fastify']) {
  describe(`examples/nestjs on the ${platform} platform`, () => {
    let root: string;
    let child: ChildProcess | undefined;
    let url = '';

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-example-nestjs-'));
      await fsp.mkdir(path.join(root, 'invoices'));
      await fsp.writeFile(path.join(root, 'invoices', '42.pdf'), INVOICE);
      child = spawnScript(path.join(EXAMPLE_DIR, 'src', 'main.ts'), [], {
        cwd: EXAMPLE_DIR,
        env: { ...process.env, FILES_ROOT: root, PORT: '0', PLATFORM: platform },
      });
      const port = await waitForAnnouncement(child, { read: portFrom, what: 'port', timeoutMs: 30_000 });
      url = `http://127.0.0.1:${port}`;
    });
    after(async () => {
      if (child !== undefined) await stopChild(child);
      await fsp.rm(root, { recursive: true, force: true });
    });

    it('a Range request: 206 with exactly those bytes, the download name and the file length', async () => {
      const response = await fetchResponse(`${url}/invoices/42`, 'GET', { 'x-user': 'alice', range: 'bytes=100-1099' });
      expect(response.status).to.equal(206);
      expect(response.headers['content-range']).to.equal(`bytes 100-1099/${INVOICE.length}`);
      expect(response.headers['content-length']).to.equal('1000');
      expect(response.headers['content-type']).to.equal('application/pdf');
      expect(response.headers['content-disposition']).to.equal('attachment; filename="Invoice 42.pdf"');
      expect(response.body.equals(INVOICE.subarray(100, 1100))).to.equal(true);
    });

    it('the whole file: 200 with its bytes', async () => {
      const response = await fetchResponse(`${url}/invoices/42`, 'GET', { 'x-user': 'alice' });
      expect(response.status).to.equal(200);
      expect(response.headers['content-length']).to.equal(String(INVOICE.length));
      expect(response.body.equals(INVOICE)).to.equal(true);
    });

    it('a caller without X-User: 401 and no file byte', async () => {
      const response = await fetchResponse(`${url}/invoices/42`, 'GET');
      expect(response.status).to.equal(401);
      expect(response.headers['content-disposition']).to.equal(undefined);
      expect(JSON.parse(response.body.toString())).to.deep.include({ statusCode: 401 });
    });

    it('a missing invoice is a 404, a hostile id a 400: never a 5xx, never a path', async () => {
      const missing = await fetchResponse(`${url}/invoices/43`, 'GET', { 'x-user': 'alice' });
      expect(missing.status).to.equal(404);
      const hostile = await fetchResponse(`${url}/invoices/..%2F..%2F..%2Fetc%2Fpasswd`, 'GET', { 'x-user': 'alice' });
      expect(hostile.status).to.equal(400);
      expect(hostile.body.toString()).to.not.include(root);
    });
  });
}
