import { Readable } from 'node:stream';
import { once } from 'node:events';
import http from 'node:http';
import Koa from 'koa';
import { expect } from 'chai';
import { SendoffError, type DeliveryPlan, type DeliveryRequest } from '@sendoff/core';
import { deliver, sendoff } from '../src/index.js';
import { listen, request, type Listening } from '@sendoff-tools/test-kit';

const BYTES = Buffer.from('hello, sendoff\n');

/** A plan provider that answers whatever the test gives it and remembers what it was asked. */
class FakeProvider {
  requests: DeliveryRequest[] = [];
  options: unknown[] = [];
  opened = 0;
  constructor(private readonly answer: (request: DeliveryRequest) => DeliveryPlan | Promise<DeliveryPlan>) {}
  async deliver(request: DeliveryRequest, options: unknown): Promise<DeliveryPlan> {
    this.requests.push(request);
    this.options.push(options);
    return this.answer(request);
  }
}

function streamPlan(provider: () => FakeProvider, overrides: Partial<DeliveryPlan> = {}): DeliveryPlan {
  return {
    strategy: 'fake-stream',
    status: 200,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': 'attachment; filename="a.txt"', ETag: '"v1"' },
    body: 'stream',
    length: BYTES.length,
    open: async () => {
      provider().opened++;
      return Readable.from([BYTES]);
    },
    ...overrides,
  } as DeliveryPlan;
}

describe('@sendoff/koa adapter over real HTTP', () => {
  let running: Listening | undefined;
  let provider: FakeProvider;

  async function serve(answer: (request: DeliveryRequest) => DeliveryPlan | Promise<DeliveryPlan>): Promise<string> {
    provider = new FakeProvider(answer);
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx) => {
      await deliver(ctx, provider, { key: 'docs/a.txt' });
    });
    running = await listen(app.callback());
    return running.url;
  }

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('streams the bytes with the plan status, headers and length', async () => {
    const url = await serve(() => streamPlan(() => provider));
    const res = await request(`${url}/file`);
    expect(res.status).to.equal(200);
    expect(res.body.equals(BYTES)).to.equal(true);
    expect(res.headers['content-length']).to.equal(String(BYTES.length));
    expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).to.equal('attachment; filename="a.txt"');
    expect(res.headers['etag']).to.equal('"v1"');
    expect(provider.options).to.deep.equal([{ key: 'docs/a.txt' }]);
  });

  it('streams a 206 partial plan as given', async () => {
    const part = BYTES.subarray(0, 5);
    const url = await serve(() =>
      streamPlan(() => provider, {
        status: 206,
        headers: { 'Content-Type': 'text/plain', 'Content-Range': `bytes 0-4/${BYTES.length}` },
        length: 5,
        open: async () => Readable.from([part]),
      } as Partial<DeliveryPlan>),
    );
    const res = await request(`${url}/file`, { headers: { Range: 'bytes=0-4' } });
    expect(res.status).to.equal(206);
    expect(res.body.toString()).to.equal('hello');
    expect(res.headers['content-range']).to.equal(`bytes 0-4/${BYTES.length}`);
    expect(res.headers['content-length']).to.equal('5');
  });

  it('answers HEAD of a stream plan with the length and no body, without opening the file', async () => {
    const url = await serve(() => streamPlan(() => provider));
    const res = await request(`${url}/file`, { method: 'HEAD' });
    expect(res.status).to.equal(200);
    expect(res.body.length).to.equal(0);
    expect(res.headers['content-length']).to.equal(String(BYTES.length));
    expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(provider.opened).to.equal(0);
    expect(provider.requests[0]?.method).to.equal('HEAD');
  });

  it('answers HEAD of an empty plan with the Content-Length the plan announces', async () => {
    const url = await serve(() => ({ strategy: 'fake', status: 200, headers: { 'Content-Length': '1234', 'Content-Type': 'application/pdf' }, body: 'empty' }));
    const res = await request(`${url}/file`, { method: 'HEAD' });
    expect(res.status).to.equal(200);
    expect(res.body.length).to.equal(0);
    expect(res.headers['content-length']).to.equal('1234');
    expect(res.headers['content-type']).to.equal('application/pdf');
  });

  it('renders a 304 plan with its validators and no body or content headers', async () => {
    const url = await serve(() => ({ strategy: 'fake', status: 304, headers: { ETag: '"v1"', 'Last-Modified': 'Tue, 01 Jan 2030 00:00:00 GMT' }, body: 'empty' }));
    const res = await request(`${url}/file`, { headers: { 'If-None-Match': '"v1"' } });
    expect(res.status).to.equal(304);
    expect(res.body.length).to.equal(0);
    expect(res.headers['etag']).to.equal('"v1"');
    expect(res.headers['last-modified']).to.equal('Tue, 01 Jan 2030 00:00:00 GMT');
    expect(res.headers['content-type']).to.equal(undefined);
    expect(provider.requests[0]?.headers['if-none-match']).to.equal('"v1"');
  });

  it('keeps an empty offload plan at 200 with an empty body, no Koa content type and no file length', async () => {
    const url = await serve(() => ({
      strategy: 'fake-offload',
      status: 200,
      headers: { 'X-Accel-Redirect': '/_protected/docs/a.txt', 'Content-Disposition': 'attachment; filename="a.txt"' },
      body: 'empty',
    }));
    const res = await request(`${url}/file`);
    expect(res.status).to.equal(200);
    expect(res.body.length).to.equal(0);
    expect(res.headers['x-accel-redirect']).to.equal('/_protected/docs/a.txt');
    expect(res.headers['content-type']).to.equal(undefined);
    expect(res.headers['content-length']).to.equal('0');
    expect(provider.opened).to.equal(0);
  });

  it('passes latin1-encoded raw bytes of a header value through unchanged', async () => {
    const utf8Path = Buffer.from('/files/Résumé 🎉.pdf', 'utf8');
    const url = await serve(() => ({ strategy: 'fake-offload', status: 200, headers: { 'X-Sendfile': utf8Path.toString('latin1') }, body: 'empty' }));
    const res = await request(`${url}/file`);
    expect(res.status).to.equal(200);
    expect(Buffer.from(String(res.headers['x-sendfile']), 'latin1').equals(utf8Path)).to.equal(true);
  });

  for (const status of [302, 307]) {
    it(`renders a ${status} redirect plan with its Location and an empty body`, async () => {
      const location = 'https://bucket.example.test/a.txt?X-Amz-Signature=abc';
      const url = await serve(() => ({ strategy: 'fake-redirect', status, headers: { 'Cache-Control': 'private, max-age=60' }, body: 'redirect', location }));
      const res = await request(`${url}/file`);
      expect(res.status).to.equal(status);
      expect(res.headers['location']).to.equal(location);
      expect(res.headers['cache-control']).to.equal('private, max-age=60');
      expect(res.body.length).to.equal(0);
    });
  }

  it('hands the provider lower-case header names, the method and a live signal', async () => {
    const url = await serve(() => streamPlan(() => provider));
    const res = await request(`${url}/file`, { method: 'GET', headers: { 'X-Custom-Thing': 'Yes', Range: 'bytes=1-2' } });
    expect(res.status).to.equal(200);
    const seen = provider.requests[0];
    expect(seen?.method).to.equal('GET');
    expect(seen?.headers['x-custom-thing']).to.equal('Yes');
    expect(seen?.headers['range']).to.equal('bytes=1-2');
    expect(Object.keys(seen?.headers ?? {}).every((name) => name === name.toLowerCase())).to.equal(true);
    expect(seen?.signal?.aborted).to.equal(false);
  });

  describe('errors render through Koa', () => {
    const cases: Array<[string, SendoffError, number, string]> = [
      ['400', new SendoffError('INVALID_KEY', 'invalid key: dot segment'), 400, 'invalid key: dot segment'],
      ['404', new SendoffError('NOT_FOUND', 'file not found', { cause: new Error('ENOENT /srv/secret/path') }), 404, 'file not found'],
      ['412', new SendoffError('PRECONDITION_FAILED', 'precondition failed'), 412, 'precondition failed'],
    ];
    for (const [name, error, status, message] of cases) {
      it(`renders a ${name} SendoffError with its status and message`, async () => {
        const url = await serve(() => {
          throw error;
        });
        const res = await request(`${url}/file`);
        expect(res.status).to.equal(status);
        expect(res.body.toString()).to.equal(message);
        expect(res.body.toString()).not.to.include('/srv');
      });
    }

    it('renders a 416 with its Content-Range header', async () => {
      const url = await serve(() => {
        throw new SendoffError('RANGE_NOT_SATISFIABLE', 'range not satisfiable', { headers: { 'Content-Range': 'bytes */15' } });
      });
      const res = await request(`${url}/file`, { headers: { Range: 'bytes=99-' } });
      expect(res.status).to.equal(416);
      expect(res.headers['content-range']).to.equal('bytes */15');
      expect(res.body.toString()).to.equal('range not satisfiable');
    });

    it('never exposes the internals of a 5xx', async () => {
      const url = await serve(() => {
        throw new SendoffError('STORAGE_ERROR', 'EACCES: open /var/lib/files/secret.pdf', { cause: new Error('stack') });
      });
      const res = await request(`${url}/file`);
      expect(res.status).to.equal(502);
      expect(res.body.toString()).to.equal('Bad Gateway');
      expect(res.headers['x-accel-redirect']).to.equal(undefined);
    });

    it('never exposes a plain Error thrown while opening the stream', async () => {
      const url = await serve(() =>
        streamPlan(() => provider, {
          open: async () => {
            throw new Error('ENOENT: /var/lib/files/gone.pdf');
          },
        } as Partial<DeliveryPlan>),
      );
      const res = await request(`${url}/file`);
      expect(res.status).to.equal(500);
      expect(res.body.toString()).to.equal('Internal Server Error');
      expect(res.headers['content-disposition']).to.equal(undefined);
    });
  });

  it('aborts the signal and destroys the stream when the client goes away', async () => {
    let stream: Readable | undefined;
    const url = await serve((req) => ({
      strategy: 'fake-stream',
      status: 200,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: 'stream',
      length: 1024 * 1024 * 1024,
      open: async () => {
        stream = new Readable({
          read() {
            this.push(Buffer.alloc(64 * 1024, 1));
          },
        });
        return stream;
      },
    }));
    const req = http.get(`${url}/file`, { agent: false });
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    expect(res.statusCode).to.equal(200);
    await once(res, 'data');
    req.destroy();
    const opened = stream as Readable | undefined;
    expect(opened).to.not.equal(undefined);
    if (!opened!.destroyed) await once(opened!, 'close');
    expect(opened!.destroyed).to.equal(true);
    const signal = provider.requests[0]?.signal;
    if (!signal?.aborted) await once(signal!, 'abort');
    expect(signal?.aborted).to.equal(true);
  });
});

describe('sendoff() middleware', () => {
  let running: Listening | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('delivers what the resolver names and passes other requests on', async () => {
    const provider = new FakeProvider(() => ({
      strategy: 'fake',
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: 'stream',
      length: BYTES.length,
      open: async () => Readable.from([BYTES]),
    }));
    const app = new Koa();
    app.silent = true;
    app.use(sendoff(provider, (ctx) => (ctx.path.startsWith('/files/') ? { key: ctx.path.slice('/files/'.length), disposition: 'inline' } : undefined)));
    app.use((ctx) => {
      ctx.status = 418;
      ctx.body = 'next';
    });
    running = await listen(app.callback());

    const hit = await request(`${running.url}/files/a.txt`);
    expect(hit.status).to.equal(200);
    expect(hit.body.equals(BYTES)).to.equal(true);
    expect(provider.options).to.deep.equal([{ key: 'a.txt', disposition: 'inline' }]);

    const miss = await request(`${running.url}/other`);
    expect(miss.status).to.equal(418);
    expect(miss.body.toString()).to.equal('next');
    expect(provider.requests.length).to.equal(1);
  });

  it('accepts an async resolver', async () => {
    const provider = new FakeProvider(() => ({ strategy: 'fake', status: 200, headers: { 'X-Accel-Redirect': '/p/a' }, body: 'empty' }));
    const app = new Koa();
    app.silent = true;
    app.use(sendoff(provider, async () => ({ key: 'a' })));
    running = await listen(app.callback());
    const res = await request(`${running.url}/`);
    expect(res.status).to.equal(200);
    expect(res.headers['x-accel-redirect']).to.equal('/p/a');
    expect(res.body.length).to.equal(0);
  });
});
