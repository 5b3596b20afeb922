/**
 * Each kind of plan, given by a test double, as the client gets it through a Nest app on both
 * platforms: a redirect, an empty offload answer, and a stream that fails to open (the exception
 * filter answers, with none of the plan's headers).
 */
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { SendoffError, type DeliveryPlan, type DeliverOptions, type PlanProvider } from '@sendoff/core';
import { rawResponse } from '@sendoff/core/testing';
import { startDownloadApp } from './download-app.js';
import { PLATFORMS, type RunningNestApp } from './nest-app.js';

const PLANS: Record<string, () => DeliveryPlan> = {
  '/redirect': () => ({ strategy: 's3Redirect', status: 302, headers: { 'Cache-Control': 'private, max-age=60' }, body: 'redirect', location: 'https://files.example/a?sig=1' }),
  '/offload': () => ({ strategy: 'xAccel', status: 200, headers: { 'X-Accel-Redirect': '/_protected/a.txt', 'Content-Type': 'text/plain' }, body: 'empty' }),
  '/gone': () => ({
    strategy: 'directStream',
    status: 200,
    headers: { 'Content-Type': 'text/plain', 'X-Accel-Redirect': '/_protected/should-not-leak' },
    body: 'stream',
    length: 10,
    open: () => Promise.reject(new SendoffError('NOT_FOUND', 'file not found')),
  }),
  '/stream': () => ({ strategy: 'directStream', status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'stream', length: 10, open: async () => Readable.from([Buffer.from('0123456789')]) }),
};

const planner: PlanProvider<DeliverOptions> = {
  deliver: async (_request, options) => PLANS[options.key]!(),
};

for (const platform of PLATFORMS) {
  describe(`@sendoff/nestjs plans on the ${platform} platform`, () => {
    let running: RunningNestApp | undefined;
    before(async () => {
      running = await startDownloadApp(platform, planner, (urlPath) => (urlPath in PLANS ? { key: urlPath } : undefined));
    });
    after(async () => {
      await running?.close();
    });

    for (const method of ['GET', 'HEAD']) {
      it(`${method} of a redirect plan: its status, Location and headers, no body`, async () => {
        const response = await rawResponse(`${running!.url}/redirect`, method);
        expect(response.status).to.equal(302);
        expect(response.headers['location']).to.equal('https://files.example/a?sig=1');
        expect(response.headers['cache-control']).to.equal('private, max-age=60');
        expect(response.body.length).to.equal(0);
      });

      it(`${method} of an offload plan: an empty 200 with its delivery header and no file length`, async () => {
        const response = await rawResponse(`${running!.url}/offload`, method);
        expect(response.status).to.equal(200);
        expect(response.headers['x-accel-redirect']).to.equal('/_protected/a.txt');
        expect(response.headers['content-length']).to.be.oneOf([undefined, '0']);
        expect(response.body.length).to.equal(0);
      });

      it(`${method} of a stream plan: the plan's length${method === 'GET' ? ' and bytes' : ', no body'}`, async () => {
        const response = await rawResponse(`${running!.url}/stream`, method);
        expect(response.status).to.equal(200);
        expect(response.headers['content-length']).to.equal('10');
        expect(response.body.toString()).to.equal(method === 'GET' ? '0123456789' : '');
      });
    }

    it("a stream that fails to open: the exception filter's 404, none of the plan's headers", async () => {
      const response = await rawResponse(`${running!.url}/gone`, 'GET');
      expect(response.status).to.equal(404);
      expect(response.headers['x-accel-redirect']).to.equal(undefined);
      expect(JSON.parse(response.body.toString())).to.deep.include({ statusCode: 404, code: 'NOT_FOUND' });
    });
  });
}
