/**
 * Shared by the node:http sendoff server scripts: a node:http server on which every path is a
 * download delivered with `deliver` of `@sendoff/core/node`, as an application would.
 */
import { createServer } from 'node:http';
import { isSendoffError, type Deliverer } from '@sendoff/core';
import { deliver } from '@sendoff/core/node';
import { announce } from './announce.js';
import { downloadOf } from './deliverer.js';

export function serveDeliveries(deliverer: Deliverer): void {
  const server = createServer((req, res) => {
    const download = downloadOf(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (download === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    deliver(req, res, deliverer, download).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.statusCode = isSendoffError(error) ? error.status : 500;
      res.end();
    });
  });
  announce(server);
}
