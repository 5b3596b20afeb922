/** Peer (c): plain node:http + send serving the files root. */
import { createServer } from 'node:http';
import send from 'send';
import { announce, rootFromArgv } from './announce.js';

const root = rootFromArgv();
const server = createServer((req, res) => {
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  send(req, pathname, { root })
    .on('error', (error: { status?: number }) => {
      res.statusCode = error.status ?? 500;
      res.end();
    })
    .pipe(res);
});
announce(server);
