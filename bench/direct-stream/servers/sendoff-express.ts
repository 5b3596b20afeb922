/**
 * Contender: Express 5 + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, mounted with the `sendoff()` middleware of `@sendoff/express`, as an application would.
 */
import { createServer } from 'node:http';
import express, { type Request } from 'express';
import { LocalStorage, createDelivery, directStream } from '@sendoff/core';
import { sendoff } from '@sendoff/express';
import { announce, rootFromArgv } from './announce.js';

const deliverer = createDelivery({
  environment: 'production',
  storage: new LocalStorage({ root: rootFromArgv() }),
  strategies: [directStream()],
  policy: { rules: [], fallback: 'directStream' },
});

/** The key is the URL path without its leading slash; undecodable paths go on to Express's 404. */
function keyOf(req: Request): { key: string; disposition: 'inline' } | undefined {
  try {
    return { key: decodeURIComponent(req.path.slice(1)), disposition: 'inline' };
  } catch {
    return undefined;
  }
}

const app = express();
// Express logs every error it renders outside `test`: a missing file would print a stack.
app.set('env', 'test');
app.use(sendoff(deliverer, keyOf));
announce(createServer(app));
