/**
 * An offload plan whose answer fails on its way out (an `onSend` hook that throws): Fastify renders
 * the error on the reply the plan was applied to. The error answer must carry none of the plan's
 * headers: behind nginx an `X-Accel-Redirect` on any status is served as the file, with 200.
 */
import { chmod, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { expect } from 'chai';
import { createDelivery, xAccel } from '@sendoff/core';
import { LocalStorage } from '@sendoff/core';
import { rawResponse } from '@sendoff/core/testing';
import { runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { sendoff } from '../src/index.js';
import { listen, type Running } from './app.js';

const BYTES = Buffer.from('the protected file\n');

describe('@sendoff/fastify: an offload whose answer fails in an onSend hook', function () {
  this.timeout(60_000);
  let root: string;
  let app: Running | undefined;
  let nginx: RunningServer | undefined;

  before(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'sendoff-fastify-offload-')));
    await chmod(root, 0o755);
    await writeFile(join(root, 'a.txt'), BYTES, { mode: 0o644 });
    const strategy = xAccel({ root, prefix: '/_protected/' });
    const deliverer = createDelivery({
      environment: 'test',
      storage: new LocalStorage({ root }),
      strategies: [strategy],
      policy: { rules: [], fallback: strategy.name },
    });
    const fastify = Fastify();
    await fastify.register(sendoff, { deliverer });
    fastify.addHook('onSend', async (request, _reply, payload) => {
      if (request.url.startsWith('/refused/')) throw new Error('audit log unavailable');
      return payload;
    });
    fastify.get('/*', async (_request, reply) => reply.sendoff({ key: 'a.txt' }));
    app = await listen(fastify);
    nginx = await runServer({ server: 'nginx', strategy, upstream: { host: '127.0.0.1', port: Number(new URL(app.url).port) } });
  });

  after(async () => {
    await nginx?.stop();
    await app?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('the app answers the error without the delivery header or the download name', async () => {
    const served = await rawResponse(`${app!.url}/files/a.txt`, 'GET');
    expect(served.status).to.equal(200);
    expect(served.headers['x-accel-redirect']).to.equal('/_protected/a.txt');
    const refused = await rawResponse(`${app!.url}/refused/a.txt`, 'GET');
    expect(refused.status).to.equal(500);
    expect(refused.headers['x-accel-redirect']).to.equal(undefined);
    expect(refused.headers['content-disposition']).to.equal(undefined);
  });

  it('behind nginx the error stays an error: the file is not sent', async () => {
    const served = await rawResponse(`${nginx!.url}/files/a.txt`, 'GET');
    expect(served.status).to.equal(200);
    expect(served.body.equals(BYTES)).to.equal(true);
    const refused = await rawResponse(`${nginx!.url}/refused/a.txt`, 'GET');
    expect(refused.status).to.equal(500);
    expect(refused.body.includes(BYTES)).to.equal(false);
    expect(refused.headers['content-disposition']).to.equal(undefined);
  });
});
