import { once } from 'node:events';
import http from 'node:http';
import Koa, { type Context } from 'koa';
import { expect } from 'chai';
import type { DeliveryRequest } from '@sendoff/core';
import { listen, request, type Listening } from '@sendoff-tools/test-kit';
import { toDeliveryRequest } from './to-delivery-request.js';

interface Seen {
  request: DeliveryRequest;
  ctx: Context;
  closeListeners: number;
}

describe('toDeliveryRequest', () => {
  let running: Listening | undefined;
  let seen: Seen[];

  async function serve(handle: (ctx: Context, neutral: DeliveryRequest) => void | Promise<void>): Promise<string> {
    seen = [];
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx) => {
      const neutral = toDeliveryRequest(ctx);
      seen.push({ request: neutral, ctx, closeListeners: ctx.res.listenerCount('close') + ctx.req.listenerCount('close') });
      await handle(ctx, neutral);
    });
    running = await listen(app.callback());
    return running.url;
  }

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('copies the method and the lower-case headers, and adds no close listener until the signal is read', async () => {
    const url = await serve((ctx, neutral) => {
      const before = ctx.res.listenerCount('close') + ctx.req.listenerCount('close');
      expect(neutral.signal?.aborted).to.equal(false);
      const after = ctx.res.listenerCount('close') + ctx.req.listenerCount('close');
      ctx.body = `${before} ${after}`;
    });
    const res = await request(`${url}/file`, { method: 'GET', headers: { 'X-Thing': 'Yes' } });
    expect(res.status).to.equal(200);
    const [before, after] = res.body.toString().split(' ').map(Number);
    expect(after).to.equal((before as number) + 2);
    expect(seen[0]?.request.method).to.equal('GET');
    expect(seen[0]?.request.headers['x-thing']).to.equal('Yes');
    expect(seen[0]?.closeListeners).to.equal(before);
  });

  it('gives one signal per request, however often it is read', async () => {
    const url = await serve((ctx, neutral) => {
      ctx.body = String(neutral.signal === neutral.signal);
    });
    const res = await request(`${url}/`);
    expect(res.body.toString()).to.equal('true');
  });

  it('a signal first read after the response finished is not aborted', async () => {
    const url = await serve((ctx) => {
      ctx.body = 'done';
    });
    const res = await request(`${url}/`);
    expect(res.body.toString()).to.equal('done');
    const { ctx, request: neutral } = seen[0] as Seen;
    if (!ctx.res.writableFinished) await once(ctx.res, 'finish');
    expect(neutral.signal?.aborted).to.equal(false);
  });

  it('a signal first read after the client went away is aborted at once', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const url = await serve(async (ctx) => {
      await held;
      ctx.body = 'late';
    });
    const req = http.get(`${url}/`, { agent: false });
    req.on('error', () => undefined);
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const { ctx, request: neutral } = seen[0] as Seen;
    req.destroy();
    // events.once would reject on the request's 'aborted' error: wait for 'close' only.
    if (!ctx.req.destroyed) await new Promise((resolve) => ctx.req.once('close', resolve));
    expect(neutral.signal?.aborted).to.equal(true);
    release();
  });
});
