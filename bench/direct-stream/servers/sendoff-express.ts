/**
 * Contender: Express 5 + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, mounted with the `sendoff()` middleware of `@sendoff/express`, as an application would.
 */
import { createServer } from 'node:http';
import express from 'express';
import { sendoff } from '@sendoff/express';
import { announce, rootFromArgv } from './announce.js';
import { directStreamDeliverer, downloadOf } from './deliverer.js';

const app = express();
// Express logs every error it renders outside `test`: a missing file would print a stack.
app.set('env', 'test');
app.use(sendoff(directStreamDeliverer(rootFromArgv()), (req) => downloadOf(req.path)));
announce(createServer(app));
