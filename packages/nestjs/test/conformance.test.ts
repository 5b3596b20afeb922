/**
 * The adapter conformance kit over a real Nest application, on the Express platform and on the
 * Fastify platform: a controller takes `@Req()` and `@Res()` and calls `SendoffService.deliver`;
 * directStream, and xAccel behind the real nginx its generated config runs.
 */
import { Controller, Get, Inject, Module, NotFoundException, Req, Res } from '@nestjs/common';
import { runServer, type Deliverer } from '@sendoff/core';
import { describeAdapterConformance, type ResolveDownload, type RunningApp } from '@sendoff/core/testing';
import { SENDOFF_DELIVERER, SendoffService, type NestRequest, type NestResponse } from '../src/index.js';
import { PLATFORMS, startNestApp, type Platform } from './nest-app.js';

/** A route matching every path: Express 5 wants a named wildcard, Fastify a bare one. */
const EVERY_PATH: Record<Platform, string> = { express: '*path', fastify: '*' };

for (const platform of PLATFORMS) {
  describeAdapterConformance({
    name: `@sendoff/nestjs on the ${platform} platform`,
    serve: (deliverer, resolve) => serve(platform, deliverer, resolve),
    nginx: (strategy, upstream) => runServer({ server: 'nginx', strategy, upstream }),
  });
}

/** A Nest app whose one controller delivers what `resolve` names for the request's path, and answers 404 otherwise. */
async function serve(platform: Platform, deliverer: Deliverer, resolve: ResolveDownload): Promise<RunningApp> {
  @Controller()
  class DownloadController {
    constructor(@Inject(SendoffService) private readonly sendoff: SendoffService) {}

    @Get(EVERY_PATH[platform])
    async download(@Req() req: NestRequest, @Res() res: NestResponse): Promise<void> {
      const options = resolve(urlOf(req));
      if (options === undefined) throw new NotFoundException();
      await this.sendoff.deliver(req, res, options);
    }
  }

  @Module({ controllers: [DownloadController], providers: [{ provide: SENDOFF_DELIVERER, useValue: deliverer }, SendoffService] })
  class AppModule {}

  const running = await startNestApp(AppModule, platform);
  return { url: running.url, close: running.close };
}

/** The path and query as the client sent them. */
function urlOf(req: NestRequest): string {
  return ('raw' in req ? req.raw : req).url ?? '/';
}
