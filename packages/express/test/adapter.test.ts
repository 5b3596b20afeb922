/**
 * The Express conventions the adapter keeps, on Express 5 and 4 over real HTTP: `sendoff()` passes
 * a request it names nothing for to `next()`, and every error (from the resolver or the delivery)
 * to `next(err)`: the app's error handler gets the SendoffError, Express's own renders its status
 * and headers and, in production, no message; `deliver()` in a route; HEAD as Express routes it.
 */
import type { NextFunction, Request, Response } from 'express';
import { expect } from 'chai';
import { SendoffError } from '@sendoff/core';
import { fetchResponse, rawResponse } from '@sendoff/core/testing';
import { deliver, sendoff } from '../src/index.js';
import { FakePlanProvider, listen, type Listening } from '@sendoff-tools/test-kit';
import { EXPRESS_VERSIONS } from './frameworks.js';

const BYTES = Buffer.from('hello, express\n');

for (const version of EXPRESS_VERSIONS) {
  describe(`@sendoff/express on ${version.name}`, () => {
    let running: Listening | undefined;
    let caught: unknown[];

    beforeEach(() => {
      caught = [];
    });
    afterEach(async () => {
      await running?.close();
      running = undefined;
    });

    /** An app error handler as apps write them: JSON, the message only when exposed, nothing once the head is out. */
    function jsonErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
      caught.push(error);
      if (res.headersSent) return next(error);
      const exposed = error instanceof SendoffError && error.expose;
      res.status(error instanceof SendoffError ? error.status : 500).json({ error: exposed ? error.message : 'internal error' });
    }

    it('sendoff(): the resolver gets req and res, the plan is streamed with its status and headers', async () => {
      const provider: FakePlanProvider = new FakePlanProvider(() => provider.streamPlan(BYTES));
      const app = version.create();
      app.use((_req, res, next) => {
        res.locals['user'] = 'alice';
        next();
      });
      app.use(sendoff(provider, (req, res) => ({ key: `${res.locals['user']}${req.path}` })));
      running = await listen(app);
      const response = await fetchResponse(`${running.url}/a.txt`, 'GET');
      expect(response.status).to.equal(200);
      expect(response.body.equals(BYTES)).to.equal(true);
      expect(response.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(response.headers['content-length']).to.equal(String(BYTES.length));
      expect(response.headers['content-disposition']).to.equal('attachment; filename="a.txt"');
      expect(provider.options).to.deep.equal([{ key: 'alice/a.txt' }]);
    });

    it('sendoff(): a request the resolver names nothing for goes to the next handler', async () => {
      const provider: FakePlanProvider = new FakePlanProvider(() => provider.streamPlan(BYTES));
      const app = version.create();
      app.use(sendoff(provider, async (req) => (req.path === '/file' ? { key: 'a.txt' } : undefined)));
      app.get('/other', (_req, res) => {
        res.send('next handler');
      });
      running = await listen(app);
      const other = await fetchResponse(`${running.url}/other`, 'GET');
      expect(other.status).to.equal(200);
      expect(other.body.toString()).to.equal('next handler');
      const unknown = await fetchResponse(`${running.url}/unknown`, 'GET');
      expect(unknown.status).to.equal(404);
      expect(provider.requests).to.have.length(0);
    });

    it('sendoff(): a delivery error reaches the app error handler through next(err), nothing written before', async () => {
      const provider: FakePlanProvider = new FakePlanProvider(() => Promise.reject(new SendoffError('INVALID_KEY', 'invalid key: dot segment')));
      const app = version.create();
      app.use((_req, res, next) => {
        res.setHeader('X-App', 'kept');
        next();
      });
      app.use(sendoff(provider, () => ({ key: '../x' })));
      app.use(jsonErrors);
      running = await listen(app);
      const response = await fetchResponse(`${running.url}/x`, 'GET');
      expect(response.status).to.equal(400);
      expect(JSON.parse(response.body.toString())).to.deep.equal({ error: 'invalid key: dot segment' });
      expect(response.headers['x-app']).to.equal('kept');
      expect(caught).to.have.length(1);
      expect(caught[0]).to.be.instanceOf(SendoffError).that.includes({ code: 'INVALID_KEY', status: 400 });
    });

    it('sendoff(): a resolver that throws, synchronously or not, reaches next(err)', async () => {
      const provider: FakePlanProvider = new FakePlanProvider(() => provider.streamPlan(BYTES));
      const app = version.create();
      app.use(sendoff(provider, (req) => {
        if (req.path === '/sync') throw new SendoffError('FORBIDDEN', 'not yours');
        return Promise.reject(new SendoffError('BAD_REQUEST', 'bad id'));
      }));
      app.use(jsonErrors);
      running = await listen(app);
      const sync = await fetchResponse(`${running.url}/sync`, 'GET');
      expect(sync.status).to.equal(403);
      expect(JSON.parse(sync.body.toString())).to.deep.equal({ error: 'not yours' });
      const rejected = await fetchResponse(`${running.url}/async`, 'GET');
      expect(rejected.status).to.equal(400);
      expect(provider.requests).to.have.length(0);
    });

    it("Express's own error handler renders a SendoffError with its status and headers, and a 5xx with its status text only", async () => {
      const provider: FakePlanProvider = new FakePlanProvider((request) => {
        if (request.headers['x-case'] === '416') return Promise.reject(new SendoffError('RANGE_NOT_SATISFIABLE', 'range not satisfiable', { headers: { 'Content-Range': 'bytes */10' } }));
        return Promise.reject(new SendoffError('STORAGE_UNAVAILABLE', 'bucket s3://internal-bucket unreachable', { cause: new Error('/srv/secret') }));
      });
      const app = version.create();
      app.set('env', 'production');
      app.use(sendoff(provider, () => ({ key: 'a.txt' })));
      running = await listen(app);
      // In production Express logs every error it renders: keep the log, check it, print nothing.
      const logged: string[] = [];
      const log = console.error;
      console.error = (...args: unknown[]) => void logged.push(args.join(' '));
      const [range, unavailable] = await Promise.all([
        fetchResponse(`${running.url}/a`, 'GET', { 'x-case': '416' }),
        fetchResponse(`${running.url}/a`, 'GET'),
      ]).finally(async () => {
        // Express logs after it answered (setImmediate): wait for both lines.
        while (logged.length < 2) await new Promise((resolve) => setImmediate(resolve));
        console.error = log;
      });
      expect(range.status).to.equal(416);
      expect(range.headers['content-range']).to.equal('bytes */10');
      expect(unavailable.status).to.equal(503);
      expect(unavailable.body.toString()).to.not.include('internal-bucket');
      expect(unavailable.body.toString()).to.not.include('/srv/secret');
      expect(unavailable.body.toString()).to.include('Service Unavailable');
      expect(logged.join('\n')).to.include('bucket s3://internal-bucket unreachable');
    });

    it('deliver() in a route; its rejection reaches the error handler (Express 5 by itself, Express 4 through .catch(next))', async () => {
      const provider: FakePlanProvider = new FakePlanProvider((request) =>
        request.headers['x-case'] === 'missing' ? Promise.reject(new SendoffError('NOT_FOUND', 'file not found')) : provider.streamPlan(BYTES),
      );
      const app = version.create();
      app.get('/files/:id', (req, res, next) => {
        deliver(req, res, provider, { key: `files/${req.params['id']}` }).catch(next);
      });
      app.use(jsonErrors);
      running = await listen(app);
      const found = await fetchResponse(`${running.url}/files/7`, 'GET');
      expect(found.status).to.equal(200);
      expect(found.body.equals(BYTES)).to.equal(true);
      expect(provider.options).to.deep.equal([{ key: 'files/7' }]);
      const missing = await fetchResponse(`${running.url}/files/8`, 'GET', { 'x-case': 'missing' });
      expect(missing.status).to.equal(404);
      expect(JSON.parse(missing.body.toString())).to.deep.equal({ error: 'file not found' });
    });

    it('HEAD reaches a GET route as Express routes it: the stream is never opened, the length is announced, no body', async () => {
      const provider: FakePlanProvider = new FakePlanProvider(() => provider.streamPlan(BYTES));
      const app = version.create();
      app.get('/file', (req, res, next) => {
        deliver(req, res, provider, { key: 'a.txt' }).catch(next);
      });
      running = await listen(app);
      const head = await rawResponse(`${running.url}/file`, 'HEAD');
      expect(head.status).to.equal(200);
      expect(head.headers['content-length']).to.equal(String(BYTES.length));
      expect(head.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(head.body).to.have.length(0);
      expect(provider.requests[0]?.method).to.equal('HEAD');
      expect(provider.opened).to.equal(0);
    });
  });
}

describe('@sendoff/express on Express 5: an async route', () => {
  let running: Listening | undefined;
  after(async () => {
    await running?.close();
  });

  it('a rejected deliver() in an async handler reaches the error handler without .catch', async () => {
    const provider: FakePlanProvider = new FakePlanProvider(() => Promise.reject(new SendoffError('NOT_FOUND', 'file not found')));
    const app = EXPRESS_VERSIONS[0]!.create();
    app.get('/files/:id', async (req, res) => {
      await deliver(req, res, provider, { key: `files/${req.params['id']}` });
    });
    running = await listen(app);
    const response = await fetchResponse(`${running.url}/files/1`, 'GET');
    expect(response.status).to.equal(404);
  });
});
