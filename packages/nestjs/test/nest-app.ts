/**
 * Starts a Nest application on a real listening server, on the Express or the Fastify platform,
 * on 127.0.0.1 with an ephemeral port.
 */
import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

export interface RunningNestApp {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  app: INestApplication;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Nest's logger; default none (the tests check what reaches the client). */
  logger?: LoggerService | false;
}

/** The root module (a class or a dynamic module), as NestFactory takes it. */
export type RootModule = Parameters<typeof NestFactory.create>[0];

export async function startNestApp(module: RootModule, platform: Platform, options: StartOptions = {}): Promise<RunningNestApp> {
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(module, adapter, { logger: options.logger ?? false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    close: async () => {
      app.getHttpServer().closeAllConnections();
      await app.close();
    },
  };
}
