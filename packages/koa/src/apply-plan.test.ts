import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Koa from 'koa';
import { expect } from 'chai';
import { LocalStorage, validateKey, type DeliveryPlan } from '@sendoff/core';
import { listen, request, type Listening } from '@sendoff-tools/test-kit';
import { applyPlan } from './apply-plan.js';

const BYTES = Buffer.from('0123456789abcdef');

function failingStream(): Readable {
  return new Readable({ read() {} });
}

function plan(open: () => Promise<Readable>, headers: Record<string, string> = {}): DeliveryPlan {
  return { strategy: 'test', status: 200, headers: { 'Content-Type': 'text/plain', 'Content-Length': String(BYTES.length), ...headers }, body: 'stream', length: BYTES.length, open };
}

/** Resolves with the status line's code, or with the connection error when the response breaks off. */
function outcome(url: string): Promise<{ status?: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (error) => resolve({ status: res.statusCode, body, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    });
    req.on('error', (error) => resolve({ body: '', error: (error as NodeJS.ErrnoException).code ?? error.message }));
  });
}

describe('applyPlan', () => {
  let running: Listening | undefined;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeEach(() => {
    uncaught.length = 0;
    process.prependListener('uncaughtException', onUncaught);
  });

  afterEach(async () => {
    process.off('uncaughtException', onUncaught);
    await running?.close();
    running = undefined;
  });

  async function serve(middleware: Koa.Middleware): Promise<string> {
    const app = new Koa();
    app.silent = true;
    app.use(middleware);
    running = await listen(app.callback());
    return running.url;
  }

  it('survives a body stream failing before Koa pipes it: the response breaks off, the path never reaches the client', async () => {
    const streams: Readable[] = [];
    const url = await serve(async (ctx) => {
      const stream = failingStream();
      streams.push(stream);
      await applyPlan(ctx, plan(async () => stream));
      stream.destroy(new Error('EIO: i/o error, read /srv/files/secret.bin'));
      await nextTurn();
    });
    const result = await outcome(`${url}/a`);
    expect(result.status ?? 0).to.not.equal(200);
    expect(result.error).to.be.a('string');
    expect(result.body).to.not.include('/srv/files');
    expect(uncaught).to.deep.equal([]);
    expect(streams[0]!.destroyed).to.equal(true);
  });

  it('sends a small file LocalStorage read whole as bytes (no stream for Koa to pipe), a larger one as a stream', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sendoff-koa-whole-'));
    try {
      const small = Buffer.alloc(4096, 1);
      const large = Buffer.alloc(64 * 1024 + 1, 2);
      await writeFile(path.join(root, 'small.bin'), small);
      await writeFile(path.join(root, 'large.bin'), large);
      const storage = new LocalStorage({ root });
      const bodies: string[] = [];
      const url = await serve(async (ctx) => {
        const key = validateKey(ctx.path.slice(1));
        const length = (await storage.stat(key)).size;
        await applyPlan(ctx, { strategy: 'test', status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: 'stream', length, open: () => storage.open(key) });
        bodies.push(Buffer.isBuffer(ctx.body) ? 'bytes' : ctx.body instanceof Readable ? 'stream' : typeof ctx.body);
      });
      const smallResponse = await request(`${url}/small.bin`);
      const largeResponse = await request(`${url}/large.bin`);
      expect([smallResponse.status, smallResponse.headers['content-length'], smallResponse.headers['content-type']]).to.deep.equal([200, '4096', 'application/octet-stream']);
      expect(smallResponse.body.equals(small)).to.equal(true);
      expect([largeResponse.status, largeResponse.headers['content-length']]).to.deep.equal([200, String(large.length)]);
      expect(largeResponse.body.equals(large)).to.equal(true);
      expect(bodies).to.deep.equal(['bytes', 'stream']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("keeps the plan's Content-Type and Content-Length on a stream body and streams its bytes", async () => {
    const url = await serve(async (ctx) => {
      await applyPlan(ctx, plan(async () => Readable.from([BYTES]), { 'Content-Type': 'application/pdf', ETag: '"x"' }));
    });
    const res = await request(`${url}/a`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.headers['content-length']).to.equal(String(BYTES.length));
    expect(res.headers['etag']).to.equal('"x"');
    expect(res.body.equals(BYTES)).to.equal(true);
  });

  it('lets Koa label a stream plan without a Content-Type as binary, with the plan length', async () => {
    const url = await serve(async (ctx) => {
      const bare: DeliveryPlan = { strategy: 'test', status: 200, headers: {}, body: 'stream', length: BYTES.length, open: async () => Readable.from([BYTES]) };
      await applyPlan(ctx, bare);
    });
    const res = await request(`${url}/a`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/octet-stream');
    expect(res.headers['content-length']).to.equal(String(BYTES.length));
    expect(res.body.equals(BYTES)).to.equal(true);
  });

  it('gives a stream plan its own length even when earlier middleware had set a body', async () => {
    const url = await serve(async (ctx) => {
      ctx.body = 'an earlier, longer placeholder body';
      await applyPlan(ctx, plan(async () => Readable.from([BYTES])));
    });
    const res = await request(`${url}/a`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-length']).to.equal(String(BYTES.length));
    expect(res.headers['content-type']).to.equal('text/plain');
    expect(res.body.equals(BYTES)).to.equal(true);
  });

  it('breaks off a response whose stream fails half-way and keeps serving others', async () => {
    let calls = 0;
    const url = await serve(async (ctx) => {
      calls++;
      if (calls === 1) {
        let reads = 0;
        const stream = new Readable({
          read() {
            if (reads++ === 0) this.push(BYTES.subarray(0, 4));
            else setImmediate(() => this.destroy(new Error('EIO: i/o error, read /srv/files/secret.bin')));
          },
        });
        await applyPlan(ctx, plan(async () => stream));
        return;
      }
      await applyPlan(ctx, plan(async () => Readable.from([BYTES])));
    });
    const first = await outcome(`${url}/a`);
    expect(first.status).to.equal(200);
    expect(first.body).to.equal('0123');
    expect(first.error).to.be.a('string');
    const second = await request(`${url}/a`);
    expect([second.status, second.body.toString()]).to.deep.equal([200, BYTES.toString()]);
    expect(uncaught).to.deep.equal([]);
  });
});
