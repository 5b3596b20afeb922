/**
 * A controller that returns what `deliver` resolved with, on both platforms: with `@Res()` Nest
 * sends nothing more, and with `@Res({ passthrough: true })` (a handler that lets Nest answer its
 * return value) the delivery has answered already, so Nest must not send the result a second
 * time (SendoffModule's interceptor): the client gets the file once, the connection serves the next
 * request, nothing is logged. Other handlers' values are still sent.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Controller, Get, Inject, Module, Param, Req, Res } from '@nestjs/common';
import { expect } from 'chai';
import { createDelivery, directStream, LocalStorage, xAccel, type DeliveryResult } from '@sendoff/core';
import { SendoffModule, SendoffService, type NestRequest, type NestResponse } from '../src/index.js';
import { CaptureLogger } from './capture-logger.js';
import { PLATFORMS, startNestApp, type RunningNestApp } from './nest-app.js';

const BYTES = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7 + 3) % 256));

@Controller()
class ReturningController {
  constructor(@Inject(SendoffService) private readonly sendoff: SendoffService) {}

  @Get('handled/:key')
  handled(@Param('key') key: string, @Req() req: NestRequest, @Res() res: NestResponse): Promise<DeliveryResult> {
    return this.sendoff.deliver(req, res, { key });
  }

  @Get('passthrough/:key')
  passthrough(@Param('key') key: string, @Req() req: NestRequest, @Res({ passthrough: true }) res: NestResponse): Promise<DeliveryResult> {
    return this.sendoff.deliver(req, res, { key });
  }

  @Get('json')
  json(): { hello: string } {
    return { hello: 'world' };
  }

  @Get('passthrough-void/:key')
  async passthroughVoid(@Param('key') key: string, @Req() req: NestRequest, @Res({ passthrough: true }) res: NestResponse): Promise<void> {
    await this.sendoff.deliver(req, res, { key });
  }
}

for (const platform of PLATFORMS) {
  for (const strategy of ['directStream', 'xAccel'] as const) {
    describe(`@sendoff/nestjs on the ${platform} platform: a controller returns what deliver resolved with (${strategy})`, () => {
      let root: string;
      let logger: CaptureLogger;
      let running: RunningNestApp | undefined;

      before(async () => {
        root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-nestjs-returned-'));
        await fsp.writeFile(path.join(root, 'data.bin'), BYTES);
        const config = {
          environment: 'test',
          storage: new LocalStorage({ root }),
          strategies: [directStream(), xAccel({ root, prefix: '/_protected/' })],
          policy: { rules: [], fallback: strategy },
        };
        @Module({ imports: [SendoffModule.forRoot(config)], controllers: [ReturningController] })
        class AppModule {}
        logger = new CaptureLogger();
        running = await startNestApp(AppModule, platform, { logger });
      });
      after(async () => {
        await running?.close();
        await fsp.rm(root, { recursive: true, force: true });
      });
      beforeEach(() => {
        logger.errors.length = 0;
      });

      for (const route of ['handled', 'passthrough', 'passthrough-void']) {
        it(`${route}: the answer of the delivery once, twice over one kept-alive connection, nothing logged`, async () => {
          for (let i = 0; i < 2; i++) {
            for (const method of ['GET', 'HEAD']) {
              const response = await fetch(`${running!.url}/${route}/data.bin`, { method });
              const body = Buffer.from(await response.arrayBuffer());
              expect(response.status, `${method} status`).to.equal(200);
              expect(response.headers.get('content-type'), `${method} content-type`).to.equal('application/octet-stream');
              if (strategy === 'directStream') {
                expect(response.headers.get('content-length'), `${method} length`).to.equal(String(BYTES.length));
                expect(body.equals(method === 'GET' ? BYTES : Buffer.alloc(0)), `${method} body`).to.equal(true);
              } else {
                expect(response.headers.get('x-accel-redirect'), `${method} X-Accel-Redirect`).to.equal('/_protected/data.bin');
                expect(body.length, `${method} body`).to.equal(0);
              }
            }
          }
          await new Promise((resolve) => setImmediate(resolve));
          expect(logger.errors).to.deep.equal([]);
        });
      }

      it('what other handlers return is still sent: a JSON route, and the refusal of a passthrough handler', async () => {
        const json = await fetch(`${running!.url}/json`);
        expect(json.status).to.equal(200);
        expect(await json.json()).to.deep.equal({ hello: 'world' });
        const missing = await fetch(`${running!.url}/passthrough/missing.bin`);
        expect(missing.status).to.equal(404);
        expect(await missing.json()).to.deep.include({ statusCode: 404, code: 'NOT_FOUND' });
        expect(logger.errors).to.deep.equal([]);
      });
    });
  }
}
