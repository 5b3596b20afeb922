/**
 * A refused download goes through Nest's exception layer on both platforms: a SendoffError
 * becomes a SendoffHttpException with its status, which Nest's own filter renders as its JSON
 * error and a custom filter sees; errors that are not exposed keep their message and cause to
 * the log.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, SendoffError, type Deliverer, type DeliverOptions, type PlanProvider } from '@sendoff/core';
import { fetchResponse, rawResponse } from '@sendoff/core/testing';
import { SendoffHttpException, type NestResponse } from '../src/index.js';
import { CaptureLogger } from './capture-logger.js';
import { startDownloadApp, type Resolve } from './download-app.js';
import { PLATFORMS, type RunningNestApp } from './nest-app.js';

const SECRET_PATH = '/srv/secret-root/u/alice';

/** A path-to-key mapping: `/k/<key>` delivers the percent-decoded key. */
const byKey: Resolve = (urlPath) => (urlPath.startsWith('/k/') ? { key: decodeURIComponent(urlPath.slice(3)) } : undefined);

/** A deliverer refusing every download with `error`. */
function refusing(error: SendoffError): PlanProvider<DeliverOptions> {
  return { deliver: () => Promise.reject(error) };
}

/** The filter an app registers to render errors its own way: it records what it caught. */
@Catch(HttpException)
class RecordingFilter implements ExceptionFilter {
  static caught: HttpException[] = [];

  catch(exception: HttpException, host: ArgumentsHost): void {
    RecordingFilter.caught.push(exception);
    const res = host.switchToHttp().getResponse<NestResponse>();
    const body = JSON.stringify({ filtered: true, status: exception.getStatus() });
    if ('raw' in res) {
      res.code(exception.getStatus());
      res.header('content-type', 'application/json');
      res.send(body);
    } else {
      res.writeHead(exception.getStatus(), { 'content-type': 'application/json' }).end(body);
    }
  }
}

for (const platform of PLATFORMS) {
  describe(`@sendoff/nestjs errors on the ${platform} platform`, () => {
    let root: string;
    let deliverer: Deliverer;
    let running: RunningNestApp | undefined;
    let logger: CaptureLogger;

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-nestjs-errors-'));
      await fsp.writeFile(path.join(root, 'hello.txt'), 'hello\n');
      deliverer = createDelivery({ environment: 'test', storage: new LocalStorage({ root }), strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
    });
    beforeEach(() => {
      logger = new CaptureLogger();
      RecordingFilter.caught = [];
    });
    afterEach(async () => {
      await running?.close();
      running = undefined;
    });
    after(async () => {
      await fsp.rm(root, { recursive: true, force: true });
    });

    async function start(provider: PlanProvider<DeliverOptions>, withFilter = false): Promise<string> {
      running = await startDownloadApp(platform, provider, byKey, {
        logger,
        providers: withFilter ? [{ provide: APP_FILTER, useClass: RecordingFilter }] : [],
      });
      return running.url;
    }

    it("a bad key: Nest's filter renders a 400 JSON error with the code, nothing logged", async () => {
      const url = await start(deliverer);
      const response = await fetchResponse(`${url}/k/..%2Fetc%2Fpasswd`, 'GET');
      expect(response.status).to.equal(400);
      expect(response.headers['content-type']).to.match(/^application\/json/);
      expect(JSON.parse(response.body.toString())).to.deep.include({ statusCode: 400, error: 'Bad Request', code: 'INVALID_KEY' });
      expect(response.body.toString()).to.not.include(root);
      expect(logger.errors).to.deep.equal([]);
    });

    it("a missing file: Nest's filter renders a 404 JSON error", async () => {
      const url = await start(deliverer);
      const response = await fetchResponse(`${url}/k/missing.txt`, 'GET');
      expect(response.status).to.equal(404);
      expect(JSON.parse(response.body.toString())).to.deep.equal({ statusCode: 404, message: 'file not found', error: 'Not Found', code: 'NOT_FOUND' });
    });

    it('HEAD of a missing file: 404 and no body', async () => {
      const url = await start(deliverer);
      const response = await rawResponse(`${url}/k/missing.txt`, 'HEAD');
      expect(response.status).to.equal(404);
      expect(response.body.length).to.equal(0);
    });

    it("a refusal with headers: a thrown 416 carries its Content-Range through Nest's filter", async () => {
      const url = await start(refusing(new SendoffError('RANGE_NOT_SATISFIABLE', 'range not satisfiable', { headers: { 'content-range': 'bytes */6' } })));
      const response = await fetchResponse(`${url}/k/hello.txt`, 'GET', { range: 'bytes=0-3' });
      expect(response.status).to.equal(416);
      expect(response.headers['content-range']).to.equal('bytes */6');
      expect(JSON.parse(response.body.toString())).to.deep.include({ statusCode: 416, code: 'RANGE_NOT_SATISFIABLE' });
    });

    it('an error not exposed: its status and the status text only, the error and its cause logged', async () => {
      const cause = new Error(`EACCES: permission denied, open '${SECRET_PATH}/0001'`);
      const error = new SendoffError('STORAGE_UNAVAILABLE', `storage unavailable at ${SECRET_PATH}`, { cause });
      const url = await start(refusing(error));
      const response = await fetchResponse(`${url}/k/hello.txt`, 'GET');
      expect(response.status).to.equal(503);
      expect(JSON.parse(response.body.toString())).to.deep.equal({ statusCode: 503, message: 'Service Unavailable' });
      expect(JSON.stringify(response.headers) + response.body.toString()).to.not.include('/srv/secret-root');
      expect(logger.loggedErrors()).to.deep.equal([error]);
    });

    it('a custom exception filter sees a SendoffHttpException with the status and the SendoffError, and renders the answer', async () => {
      const url = await start(deliverer, true);
      const response = await fetchResponse(`${url}/k/missing.txt`, 'GET');
      expect(response.status).to.equal(404);
      expect(JSON.parse(response.body.toString())).to.deep.equal({ filtered: true, status: 404 });
      expect(RecordingFilter.caught).to.have.length(1);
      const [caught] = RecordingFilter.caught;
      expect(caught).to.be.instanceOf(SendoffHttpException);
      expect(caught?.getStatus()).to.equal(404);
      expect((caught as SendoffHttpException).sendoffError).to.be.instanceOf(SendoffError).that.includes({ code: 'NOT_FOUND', status: 404 });
      expect(caught?.cause).to.equal((caught as SendoffHttpException).sendoffError);
    });
  });
}
