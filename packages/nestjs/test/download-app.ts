/**
 * The Nest application the tests download from: one controller that takes `@Req()` and `@Res()`
 * and calls `SendoffService.deliver` with what `resolve` names for the request's path and query
 * (a 404 NotFoundException when it names nothing), with the Deliverer given by the test.
 */
import { Controller, Get, Inject, Module, NotFoundException, Req, Res, type Provider } from '@nestjs/common';
import type { DeliverOptions, PlanProvider } from '@sendoff/core';
import { SENDOFF_DELIVERER, SendoffService, type NestRequest, type NestResponse } from '../src/index.js';
import { startNestApp, type Platform, type RunningNestApp, type StartOptions } from './nest-app.js';

/** A route matching every path: Express 5 wants a named wildcard, Fastify a bare one. */
const EVERY_PATH: Record<Platform, string> = { express: '*path', fastify: '*' };

export type Resolve = (urlPath: string) => DeliverOptions | undefined;

export interface DownloadAppOptions extends StartOptions {
  /** More providers of the app module (e.g. an `APP_FILTER`). */
  providers?: Provider[];
}

export async function startDownloadApp(
  platform: Platform,
  deliverer: PlanProvider<DeliverOptions>,
  resolve: Resolve,
  options: DownloadAppOptions = {},
): Promise<RunningNestApp> {
  @Controller()
  class DownloadController {
    constructor(@Inject(SendoffService) private readonly sendoff: SendoffService) {}

    @Get(EVERY_PATH[platform])
    async download(@Req() req: NestRequest, @Res() res: NestResponse): Promise<void> {
      const deliverOptions = resolve(urlOf(req));
      if (deliverOptions === undefined) throw new NotFoundException();
      await this.sendoff.deliver(req, res, deliverOptions);
    }
  }

  @Module({
    controllers: [DownloadController],
    providers: [{ provide: SENDOFF_DELIVERER, useValue: deliverer }, SendoffService, ...(options.providers ?? [])],
  })
  class AppModule {}

  return startNestApp(AppModule, platform, options);
}

/** The path and query as the client sent them. */
function urlOf(req: NestRequest): string {
  return ('raw' in req ? req.raw : req).url ?? '/';
}
