/**
 * An app-wide exception filter that renders every error as its own JSON through Nest's
 * HttpAdapterHost (the pattern Nest documents for a catch-all filter), on both platforms: a refused
 * download reaches it with its status and headers, nothing of the plan and no path of the machine
 * leaks, HEAD answers carry no body, and a download that succeeds never reaches it.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, SendoffError, type DeliverOptions, type PlanProvider } from '@sendoff/core';
import { request } from '@sendoff-tools/test-kit';
import { SendoffHttpException } from '../src/index.js';
import { startDownloadApp, type Resolve } from './download-app.js';
import { PLATFORMS, type RunningNestApp } from './nest-app.js';

const SECRET_PATH = '/srv/secret-root/u/alice';
const BYTES = Buffer.from('0123456789'.repeat(10));

@Catch()
class JsonErrorFilter implements ExceptionFilter {
  static caught: unknown[] = [];

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    JsonErrorFilter.caught.push(exception);
    const { httpAdapter } = this.adapterHost;
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const code = exception instanceof SendoffHttpException ? exception.code : 'INTERNAL';
    const message = exception instanceof HttpException ? exception.message : 'Internal error';
    httpAdapter.reply(host.switchToHttp().getResponse(), { ok: false, status, code, message }, status);
  }
}

/** `/k/<key>` delivers the percent-decoded key; `/refuse` asks a deliverer that refuses. */
const byKey: Resolve = (urlPath) => (urlPath.startsWith('/k/') ? { key: decodeURIComponent(urlPath.slice(3)) } : { key: 'refused' });

for (const platform of PLATFORMS) {
  describe(`@sendoff/nestjs on the ${platform} platform: a catch-all filter that renders JSON`, () => {
    let root: string;
    let running: RunningNestApp | undefined;
    let refusal: SendoffError;

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-nestjs-json-filter-'));
      await fsp.writeFile(path.join(root, 'data.txt'), BYTES);
      const real = createDelivery({ environment: 'test', storage: new LocalStorage({ root }), strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
      // The real Deliverer, except for the key `refused`, which the test's `refusal` refuses.
      const deliverer: PlanProvider<DeliverOptions> = { deliver: (request, options) => (options.key === 'refused' ? Promise.reject(refusal) : real.deliver(request, options)) };
      running = await startDownloadApp(platform, deliverer, byKey, { providers: [{ provide: APP_FILTER, useClass: JsonErrorFilter }] });
    });
    after(async () => {
      await running?.close();
      await fsp.rm(root, { recursive: true, force: true });
    });
    beforeEach(() => {
      JsonErrorFilter.caught = [];
    });

    async function get(urlPath: string, method = 'GET', headers: Record<string, string> = {}) {
      return request(`${running!.url}${urlPath}`, { method, headers });
    }

    it('a download that succeeds never reaches the filter', async () => {
      const response = await get('/k/data.txt', 'GET', { range: 'bytes=10-19' });
      expect(response.status).to.equal(206);
      expect(response.body.equals(BYTES.subarray(10, 20))).to.equal(true);
      expect(JsonErrorFilter.caught).to.deep.equal([]);
    });

    it('a bad key and a missing file: the filter renders its JSON with the status and the code, nothing of the plan', async () => {
      for (const [urlPath, status, code] of [['/k/..%2F..%2Fetc%2Fpasswd', 400, 'INVALID_KEY'], ['/k/missing.txt', 404, 'NOT_FOUND']] as const) {
        const response = await get(urlPath);
        expect(response.status, urlPath).to.equal(status);
        expect(response.headers['content-type'], urlPath).to.match(/^application\/json/);
        expect(response.json(), urlPath).to.deep.include({ ok: false, status, code });
        // (Express gives any JSON body an ETag of its own; no header of the plan is there.)
        for (const name of ['content-disposition', 'last-modified', 'accept-ranges', 'content-range', 'cache-control']) expect(response.headers[name], `${urlPath} ${name}`).to.equal(undefined);
        expect(response.body.toString(), urlPath).to.not.include(root);
      }
    });

    it('an unsatisfiable range is an answer of the delivery, not an error: 416 with Content-Range: bytes */size, the filter not reached', async () => {
      const response = await get('/k/data.txt', 'GET', { range: 'bytes=500-600' });
      expect(response.status).to.equal(416);
      expect(response.headers['content-range']).to.equal(`bytes */${BYTES.length}`);
      expect(response.body.length).to.equal(0);
      expect(JsonErrorFilter.caught).to.deep.equal([]);
    });

    it('a refused range the Deliverer throws: the filter renders its 416, which keeps Content-Range', async () => {
      refusal = new SendoffError('RANGE_NOT_SATISFIABLE', 'range not satisfiable', { headers: { 'content-range': 'bytes */6' } });
      const response = await get('/refuse', 'GET', { range: 'bytes=10-20' });
      expect(response.status).to.equal(416);
      expect(response.headers['content-range']).to.equal('bytes */6');
      expect(response.json()).to.deep.include({ ok: false, status: 416, code: 'RANGE_NOT_SATISFIABLE' });
    });

    it('an error that is not exposed: the message the filter reads is the status text, never the path', async () => {
      refusal = new SendoffError('STORAGE_UNAVAILABLE', `storage unavailable at ${SECRET_PATH}`, { cause: new Error(`EACCES: open '${SECRET_PATH}/0001'`) });
      const response = await get('/refuse');
      expect(response.status).to.equal(503);
      expect(response.json()).to.deep.equal({ ok: false, status: 503, code: 'STORAGE_UNAVAILABLE', message: 'Service Unavailable' });
      expect(JSON.stringify(response.headers) + response.body.toString()).to.not.include('secret-root');
    });

    it('HEAD of a missing file and of a bad key: the status, no body', async () => {
      for (const [urlPath, status] of [['/k/missing.txt', 404], ['/k/..%2Fetc%2Fpasswd', 400]] as const) {
        const response = await get(urlPath, 'HEAD');
        expect(response.status, urlPath).to.equal(status);
        expect(response.body.length, urlPath).to.equal(0);
      }
    });
  });
}
