/**
 * Contender: node:http + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, called with `deliver` of `@sendoff/core/node`, as an application would.
 */
import { createServer } from 'node:http';
import { isSendoffError } from '@sendoff/core';
import { deliver } from '@sendoff/core/node';
import { announce, rootFromArgv } from './announce.js';
import { directStreamDeliverer, downloadOf } from './deliverer.js';

const deliverer = directStreamDeliverer(rootFromArgv());

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
