/**
 * The Fastify conventions the plugin keeps, over real HTTP: `reply.sendoff()` goes through
 * `reply.send`, so `onSend` hooks see (and may replace) the payload; errors reach the error
 * handler (the app's, or Fastify's own with the error's status and headers and no internal
 * detail); HEAD through the route Fastify adds and through an explicit one; the plugin refuses to
 * register without a deliverer.
 */
import { once } from 'node:events';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { expect } from 'chai';
import { LocalStorage, SendoffError, validateKey } from '@sendoff/core';
import { fetchResponse, rawResponse } from '@sendoff/core/testing';
import { FakePlanProvider } from '@sendoff-tools/test-kit';
import { sendoff } from '../src/index.js';
import { listen, type Running } from './app.js';

const BYTES = Buffer.from('hello, fastify\n');

describe('@sendoff/fastify plugin', () => {
  let running: Running | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function appWith(provider: FakePlanProvider, setUp: (app: FastifyInstance) => void | Promise<void> = () => undefined): Promise<string> {
    const app = Fastify();
    await app.register(sendoff, { deliverer: provider });
    await setUp(app);
    running = await listen(app);
    return running.url;
  }

  it('reply.sendoff() returns the reply and streams the plan with its status and headers', async () => {
    const provider: FakePlanProvider = new FakePlanProvider(() => provider.streamPlan(BYTES));
    const returned: boolean[] = [];
    const url = await appWith(provider, (app) => {
      app.get('/files/:id', async (request, reply) => {
        const result = reply.sendoff({ key: `files/${(request.params as { id: string }).id}` });
        returned.push(result === reply);
        return result;
      });
    });
    const response = await fetchResponse(`${url}/files/7`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.body.equals(BYTES)).to.equal(true);
    expect(response.headers['content-length']).to.equal(String(BYTES.length));
    expect(response.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(response.headers['content-disposition']).to.equal('attachment; filename="a.txt"');
    expect(provider.options).to.deep.equal([{ key: 'files/7' }]);
    expect(returned).to.deep.equal([true]);
  });

  it('onSend hooks run: they see the stream payload and may add headers or replace it', async () => {
    const provider: FakePlanProvider = new FakePlanProvider(() => provider.streamPlan(BYTES));
    const seen: string[] = [];
    const url = await appWith(provider, (app) => {
      app.addHook('onSend', async (request, reply, payload) => {
        seen.push(payload instanceof Readable ? 'stream' : typeof payload);
        reply.header('x-on-send', 'ran');
        if (request.url === '/replaced') {
          reply.header('content-length', '8');
          return 'replaced';
        }
        return payload;
      });
      app.get('/*', async (_request, reply) => reply.sendoff({ key: 'a.txt' }));
    });
    const response = await fetchResponse(`${url}/file`, 'GET');
    expect(response.headers['x-on-send']).to.equal('ran');
    expect(response.body.equals(BYTES)).to.equal(true);
    const replaced = await fetchResponse(`${url}/replaced`, 'GET');
    expect(replaced.body.toString()).to.equal('replaced');
    expect(seen).to.deep.equal(['stream', 'stream']);
  });

  it('a small file LocalStorage read whole reaches onSend as bytes, a larger one as a stream; both arrive whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sendoff-fastify-whole-'));
    const small = Buffer.alloc(4096, 1);
    const large = Buffer.alloc(64 * 1024 + 1, 2);
    await writeFile(join(dir, 'small.bin'), small);
    await writeFile(join(dir, 'large.bin'), large);
    const storage = new LocalStorage({ root: dir });
    const provider: FakePlanProvider = new FakePlanProvider(async () => {
      const key = validateKey((provider.options.at(-1) as { key: string }).key);
      const length = (await storage.stat(key)).size;
      return { ...provider.streamPlan(Buffer.alloc(length)), open: () => storage.open(key) };
    });
    const seen: string[] = [];
    try {
      const url = await appWith(provider, (app) => {
        app.addHook('onSend', async (_request, _reply, payload) => {
          seen.push(Buffer.isBuffer(payload) ? 'bytes' : payload instanceof Readable ? 'stream' : typeof payload);
          return payload;
        });
        app.get('/:name', async (request, reply) => reply.sendoff({ key: (request.params as { name: string }).name }));
      });
      const smallResponse = await fetchResponse(`${url}/small.bin`, 'GET');
      const largeResponse = await fetchResponse(`${url}/large.bin`, 'GET');
      expect([smallResponse.status, smallResponse.headers['content-length']]).to.deep.equal([200, '4096']);
      expect(smallResponse.body.equals(small)).to.equal(true);
      expect([largeResponse.status, largeResponse.headers['content-length']]).to.deep.equal([200, String(large.length)]);
      expect(largeResponse.body.equals(large)).to.equal(true);
      expect(seen).to.deep.equal(['bytes', 'stream']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a cached file over 64 KiB cut before its first read: a 502 with no errno and no path, never a 500', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sendoff-fastify-cut-'));
    const large = Buffer.alloc(100 * 1024, 5);
    await writeFile(join(dir, 'large.bin'), large);
    const storage = new LocalStorage({ root: dir, cache: { maxAgeMs: 60_000 } });
    const provider: FakePlanProvider = new FakePlanProvider(async () => {
      const key = validateKey('large.bin');
      const length = (await storage.stat(key)).size;
      return { ...provider.streamPlan(Buffer.alloc(length)), open: () => storage.open(key) };
    });
    try {
      const url = await appWith(provider, (app) => {
        app.get('/*', async (_request, reply) => reply.sendoff({ key: 'large.bin' }));
      });
      const first = await fetchResponse(`${url}/large.bin`, 'GET');
      expect(first.body.equals(large)).to.equal(true);
      await writeFile(join(dir, 'large.bin'), large.subarray(0, 1000));
      const cut = await fetchResponse(`${url}/large.bin`, 'GET');
      expect(cut.status).to.equal(502);
      expect(cut.body.toString()).to.not.match(/ESTALE|large\.bin/);
      expect(cut.body.toString()).to.not.include(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an onSend hook that replaces the stream: the file opened for it is closed, its handle released', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sendoff-fastify-'));
    const file = join(dir, 'a.txt');
    await writeFile(file, BYTES);
    const opened: ReadStream[] = [];
    const provider: FakePlanProvider = new FakePlanProvider(() => ({
      ...provider.streamPlan(BYTES),
      open: async () => {
        const stream = createReadStream(file);
        opened.push(stream);
        await once(stream, 'open');
        return stream;
      },
    }));
    try {
      const url = await appWith(provider, (app) => {
        app.addHook('onSend', async () => 'replaced');
        app.get('/*', async (_request, reply) => reply.sendoff({ key: 'a.txt' }));
      });
      const response = await fetchResponse(`${url}/a`, 'GET');
      expect(response.status).to.equal(200);
      expect(response.body.toString()).to.equal('replaced');
      expect(response.headers['content-length']).to.equal('8');
      expect(opened).to.have.length(1);
      const stream = opened[0]!;
      if (!stream.closed) await Promise.race([once(stream, 'close'), setTimeout(1000)]);
      expect(stream.closed).to.equal(true);
    } finally {
      for (const stream of opened) stream.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an empty offload plan: its status and delivery header, no body; onSend sees no payload', async () => {
    const provider = new FakePlanProvider(() => ({ strategy: 'xAccel', status: 200, headers: { 'X-Accel-Redirect': '/_protected/a.txt' }, body: 'empty' }));
    const seen: unknown[] = [];
    const url = await appWith(provider, (app) => {
      app.addHook('onSend', async (_request, _reply, payload) => {
        seen.push(payload);
        return payload;
      });
      app.get('/*', async (_request, reply) => reply.sendoff({ key: 'a.txt' }));
    });
    const response = await rawResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.headers['x-accel-redirect']).to.equal('/_protected/a.txt');
    expect(response.headers['content-type']).to.equal(undefined);
    expect(response.headers['content-length']).to.be.oneOf([undefined, '0']);
    expect(response.body).to.have.length(0);
    expect(seen).to.deep.equal([undefined]);
  });

  it('a redirect plan: its status, Location and headers', async () => {
    const provider = new FakePlanProvider(() => ({ strategy: 's3', status: 302, headers: { 'Cache-Control': 'private, max-age=60' }, body: 'redirect', location: 'https://files.example/a?sig=1' }));
    const url = await appWith(provider, (app) => {
      app.get('/*', async (_request, reply) => reply.sendoff({ key: 'a.txt' }));
    });
    const response = await rawResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(302);
    expect(response.headers['location']).to.equal('https://files.example/a?sig=1');
    expect(response.headers['cache-control']).to.equal('private, max-age=60');
  });

  for (const [title, routes] of [
    ['the HEAD route Fastify adds to a GET route', (app: FastifyInstance) => app.get('/file', async (_request, reply) => reply.sendoff({ key: 'a.txt' }))],
    ['a route declared for GET and HEAD', (app: FastifyInstance) => app.route({ method: ['GET', 'HEAD'], url: '/file', exposeHeadRoute: false, handler: async (_request, reply) => reply.sendoff({ key: 'a.txt' }) })],
  ] as const) {
    it(`HEAD through ${title}: the stream is never opened, the length is announced, no body`, async () => {
      const provider: FakePlanProvider = new FakePlanProvider(() => provider.streamPlan(BYTES));
      const url = await appWith(provider, (app) => void routes(app));
      const head = await rawResponse(`${url}/file`, 'HEAD');
      expect(head.status).to.equal(200);
      expect(head.headers['content-length']).to.equal(String(BYTES.length));
      expect(head.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(head.body).to.have.length(0);
      expect(provider.requests.map((request) => request.method)).to.deep.equal(['HEAD']);
      expect(provider.opened).to.equal(0);
    });
  }

  it("a delivery error reaches the app's error handler before anything is set on the reply", async () => {
    const provider = new FakePlanProvider(() => Promise.reject(new SendoffError('INVALID_KEY', 'invalid key: dot segment')));
    const caught: unknown[] = [];
    const url = await appWith(provider, (app) => {
      app.setErrorHandler(async (error, _request, reply) => {
        caught.push(error);
        const exposed = error instanceof SendoffError && error.expose;
        return reply.code(error instanceof SendoffError ? error.status : 500).send({ error: exposed ? error.message : 'internal error' });
      });
      app.get('/*', async (_request, reply) => reply.sendoff({ key: '../x' }));
    });
    const response = await fetchResponse(`${url}/x`, 'GET');
    expect(response.status).to.equal(400);
    expect(JSON.parse(response.body.toString())).to.deep.equal({ error: 'invalid key: dot segment' });
    expect(caught[0]).to.be.instanceOf(SendoffError).that.includes({ code: 'INVALID_KEY' });
  });

  it("a stream that fails to open: Fastify's own error handler answers its status, with none of the plan's headers", async () => {
    const provider: FakePlanProvider = new FakePlanProvider(() => ({
      ...provider.streamPlan(BYTES),
      headers: { 'X-Accel-Redirect': '/_protected/a', 'Content-Disposition': 'attachment; filename="a.txt"' },
      open: () => Promise.reject(new SendoffError('NOT_FOUND', 'file not found', { cause: new Error('ENOENT /srv/files/a.txt') })),
    }));
    const url = await appWith(provider, (app) => {
      app.get('/*', async (_request, reply) => reply.sendoff({ key: 'a.txt' }));
    });
    const response = await fetchResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(404);
    expect(response.headers['x-accel-redirect']).to.equal(undefined);
    expect(response.headers['content-disposition']).to.equal(undefined);
    expect(JSON.parse(response.body.toString())).to.deep.include({ statusCode: 404, code: 'NOT_FOUND', message: 'file not found' });
  });

  it("Fastify's own error handler: a thrown 416 keeps its Content-Range, a 5xx shows no internal detail", async () => {
    const provider = new FakePlanProvider((request) =>
      request.headers['x-case'] === '416'
        ? Promise.reject(new SendoffError('RANGE_NOT_SATISFIABLE', 'range not satisfiable', { headers: { 'Content-Range': 'bytes */10' } }))
        : Promise.reject(new SendoffError('STORAGE_UNAVAILABLE', 'storage unavailable', { expose: false, cause: new Error('connect ECONNREFUSED internal-bucket /srv/secret') })),
    );
    const url = await appWith(provider, (app) => {
      app.get('/*', async (_request, reply) => reply.sendoff({ key: 'a.txt' }));
    });
    const range = await fetchResponse(`${url}/a`, 'GET', { 'x-case': '416' });
    expect(range.status).to.equal(416);
    expect(range.headers['content-range']).to.equal('bytes */10');
    const unavailable = await fetchResponse(`${url}/a`, 'GET');
    expect(unavailable.status).to.equal(503);
    expect(unavailable.body.toString()).to.not.match(/internal-bucket|\/srv\/secret/);
  });

  it('the decorator reaches routes registered in encapsulated child plugins', async () => {
    const provider: FakePlanProvider = new FakePlanProvider(() => provider.streamPlan(BYTES));
    const url = await appWith(provider, async (app) => {
      await app.register(async (child) => {
        child.get('/child', async (_request, reply) => reply.sendoff({ key: 'a.txt' }));
      }, { prefix: '/scoped' });
    });
    const response = await fetchResponse(`${url}/scoped/child`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.body.equals(BYTES)).to.equal(true);
  });

  it('refuses to register without a deliverer, with a clear message', async () => {
    const app = Fastify();
    try {
      const failure = await app.register(sendoff, {} as never).ready().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(SendoffError).that.includes({ code: 'CONFIG_INVALID' });
      expect((failure as Error).message).to.include('{ deliverer }');
    } finally {
      await app.close();
    }
  });
});
