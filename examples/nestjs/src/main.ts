/**
 * The download route on NestJS: `GET /invoices/:id` delivers `invoices/<id>.pdf` from FILES_ROOT
 * to a caller that says who they are (`X-User`; your permission check goes there), with Range,
 * HEAD and conditional requests answered by sendoff. PLATFORM=fastify runs it on Nest's Fastify
 * platform (default: Express). Prints {"port":N} once listening on 127.0.0.1:PORT (default 3000).
 */
import { Controller, Get, Headers, Inject, Module, Param, Req, Res, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { directStream, LocalStorage } from '@sendoff/core';
import { SendoffModule, SendoffService, type NestRequest, type NestResponse } from '@sendoff/nestjs';

@Controller('invoices')
class InvoicesController {
  constructor(@Inject(SendoffService) private readonly sendoff: SendoffService) {}

  @Get(':id')
  async download(@Param('id') id: string, @Headers('x-user') user: string | undefined, @Req() req: NestRequest, @Res() res: NestResponse): Promise<void> {
    if (user === undefined) throw new UnauthorizedException(); // your permission check
    await this.sendoff.deliver(req, res, { key: `invoices/${id}.pdf`, filename: `Invoice ${id}.pdf` });
  }
}

@Module({
  imports: [
    SendoffModule.forRoot({
      storage: new LocalStorage({ root: process.env.FILES_ROOT ?? 'files' }),
      strategies: [directStream()],
      policy: { rules: [], fallback: 'directStream' },
    }),
  ],
  controllers: [InvoicesController],
})
class AppModule {}

const adapter = process.env.PLATFORM === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
const app = await NestFactory.create(AppModule, adapter, { logger: ['error', 'warn'] });
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log(JSON.stringify({ port: (app.getHttpServer().address() as AddressInfo).port }));
