/**
 * Contender: node:http + sendoff as in sendoff-node.ts, over a LocalStorage with its opt-in lookup
 * cache (`cache: { maxAgeMs: 1000 }`): a hot file's lookup and descriptor reused for up to a second.
 */
import { createServer } from 'node:http';
import { isSendoffError } from '@sendoff/core';
import { deliver } from '@sendoff/core/node';
import { announce, rootFromArgv } from './announce.js';
import { BENCH_CACHE, directStreamDeliverer, downloadOf } from './deliverer.js';

const deliverer = directStreamDeliverer(rootFromArgv(), BENCH_CACHE);

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
