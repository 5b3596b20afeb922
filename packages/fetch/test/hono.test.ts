/**
 * Hono's own conventions around `deliverResponse`: the handler returns the Response (middleware
 * still sees and changes it), `app.onError` renders refusals through `errorResponse`, and Hono
 * routes methods as it always does (HEAD through the GET route, other methods to its 404).
 */
import { Readable } from 'node:stream';
import { expect } from 'chai';
import type { MiddlewareHandler } from 'hono';
import { SendoffError, type DeliveryPlan, type DeliveryRequest } from '@sendoff/core';
import { fetchResponse, rawResponse, type RunningApp } from '@sendoff/core/testing';
import { createHonoApp, listenHono } from './hono-app.js';

const BYTES = Buffer.from('0123456789'.repeat(100));

describe('@sendoff/fetch under Hono', () => {
  let running: RunningApp | undefined;
  let asked: DeliveryRequest[];
  let errors: unknown[];
  let plan: () => Promise<DeliveryPlan>;

  before(async () => {
    const deliverer = {
      deliver: async (request: DeliveryRequest): Promise<DeliveryPlan> => {
        asked.push(request);
        return plan();
      },
    };
    errors = [];
    const addRequestId: MiddlewareHandler = async (c, next) => {
      await next();
      c.res.headers.set('X-Request-Id', 'r-1');
    };
    const resolve = (urlPath: string) => (urlPath.startsWith('/files/') ? { key: urlPath.slice('/files/'.length) } : undefined);
    const app = createHonoApp({ deliverer, resolve, errors, middleware: [addRequestId] });
    running = await listenHono(app);
  });
  after(async () => {
    await running?.close();
  });
  beforeEach(() => {
    asked = [];
    errors.length = 0;
    plan = async () => ({ strategy: 'test', status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: 'stream', length: BYTES.length, open: async () => Readable.from([BYTES]) });
  });

  it('middleware after the handler sees the Response and adds its header; the bytes go out whole', async () => {
    const response = await fetchResponse(`${running!.url}/files/a`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.headers['x-request-id']).to.equal('r-1');
    expect(response.headers['content-length']).to.equal(String(BYTES.length));
    expect(response.body.equals(BYTES)).to.equal(true);
  });

  it('app.onError renders an exposed refusal with errorResponse: its status and message', async () => {
    plan = () => Promise.reject(new SendoffError('INVALID_KEY', 'invalid key: a ".." segment'));
    const response = await fetchResponse(`${running!.url}/files/a`, 'GET');
    expect(response.status).to.equal(400);
    expect(response.body.toString()).to.equal('invalid key: a ".." segment');
    expect(errors).to.have.length(1);
  });

  it('app.onError renders an unexposed failure as its status alone: no message, no path', async () => {
    plan = () => Promise.reject(new SendoffError('STORAGE_ERROR', "EIO: i/o error, read '/srv/files/a'", { expose: false }));
    const response = await fetchResponse(`${running!.url}/files/a`, 'GET');
    expect(response.status).to.equal(502);
    expect(response.body.toString()).to.equal('Bad Gateway');
  });

  it('HEAD goes through the GET route: the length, no body, the request the deliverer saw is a HEAD', async () => {
    const response = await rawResponse(`${running!.url}/files/a`, 'HEAD');
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal(String(BYTES.length));
    expect(response.body).to.have.length(0);
    expect(asked.map((request) => request.method)).to.deep.equal(['HEAD']);
  });

  it("another method is Hono's 404, and the deliverer is never asked", async () => {
    const response = await fetchResponse(`${running!.url}/files/a`, 'POST');
    expect(response.status).to.equal(404);
    expect(asked).to.deep.equal([]);
  });
});
