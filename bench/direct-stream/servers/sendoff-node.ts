/**
 * Contender: node:http + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, called with `deliver` of `@sendoff/core/node`, as an application would.
 */
import { createServer } from 'node:http';
import { LocalStorage, createDelivery, directStream, isSendoffError } from '@sendoff/core';
import { deliver } from '@sendoff/core/node';
import { announce, rootFromArgv } from './announce.js';

const deliverer = createDelivery({
  environment: 'production',
  storage: new LocalStorage({ root: rootFromArgv() }),
  strategies: [directStream()],
  policy: { rules: [], fallback: 'directStream' },
});

const server = createServer((req, res) => {
  let key: string;
  try {
    key = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname.slice(1));
  } catch {
    res.statusCode = 404;
    res.end();
    return;
  }
  deliver(req, res, deliverer, { key, disposition: 'inline' }).catch((error: unknown) => {
    if (res.headersSent) return void res.destroy();
    res.statusCode = isSendoffError(error) ? error.status : 500;
    res.end();
  });
});
announce(server);
