/**
 * sendoff on NestJS: GET /downloads/<key> sends the file stored under that key in FILES_ROOT, on
 * Nest's Express platform (PLATFORM=fastify: its Fastify platform). In development Node streams it
 * (Range, ETag / 304, HEAD); with NODE_ENV=production the app answers an empty X-Accel-Redirect
 * and nginx sends the bytes (its config: `npx sendoff config nginx --root <FILES_ROOT> --prefix /_protected/`).
 *
 *   cd examples/nestjs && FILES_ROOT=./files PORT=3000 node --import tsx server.ts
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Controller, Get, Inject, Module, Param, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { directStream, LocalStorage, xAccel } from '@sendoff/core';
import { SendoffModule, SendoffService, type NestRequest, type NestResponse } from '@sendoff/nestjs';

const root = resolve(process.env.FILES_ROOT ?? 'files');
const fastify = process.env.PLATFORM === 'fastify';

@Controller('downloads')
class DownloadsController {
  constructor(@Inject(SendoffService) private readonly sendoff: SendoffService) {}

  // The rest of the path is the key: Express 5 names its wildcard (segments), Fastify's is `*`.
  @Get(fastify ? '*' : '*key')
  async download(@Param() params: { key?: string[]; '*'?: string }, @Req() req: NestRequest, @Res() res: NestResponse): Promise<void> {
    // Your permission check goes here. A bad key is a 400, a missing file a 404 (Nest's exception filters).
    await this.sendoff.deliver(req, res, { key: params['*'] ?? params.key?.join('/') ?? '' });
  }
}

@Module({
  imports: [
    SendoffModule.forRoot({
      environment: process.env.NODE_ENV ?? 'development',
      storage: new LocalStorage({ root }),
      strategies: [directStream(), xAccel({ root, prefix: '/_protected/' })],
      policy: { rules: [{ name: 'nginx in production', environment: 'production', use: 'xAccel' }], fallback: 'directStream' },
    }),
  ],
  controllers: [DownloadsController],
})
class AppModule {}

const app = await NestFactory.create(AppModule, fastify ? new FastifyAdapter() : new ExpressAdapter(), { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port: (app.getHttpServer().address() as AddressInfo).port })}\n`);
