import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { headerOf, httpGet } from './http-get.js';

describe('httpGet', () => {
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/trickle') {
        // A byte every 50 ms, never the end: the connection is never idle, only a bound on the whole exchange ends it.
        res.writeHead(200, { 'content-length': '1000000' });
        const timer = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(404, { 'x-accel-redirect': '/_protected/a', 'content-encoding': 'gzip', 'set-cookie': ['a=1', 'b=2'] });
      res.end(Buffer.from([0x1f, 0x8b, 0x00]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('keeps the status, the headers and the raw bytes (no decoding, no redirect following)', async () => {
    const response = await httpGet(new URL(`${base}/any`));
    expect(response.status).to.equal(404);
    expect(response.headers['x-accel-redirect']).to.equal('/_protected/a');
    expect(response.body).to.deep.equal(Buffer.from([0x1f, 0x8b, 0x00]));
    expect(headerOf(response, 'Content-Encoding')).to.equal('gzip');
    expect(headerOf(response, 'set-cookie')).to.equal('a=1, b=2');
    expect(headerOf(response, 'etag')).to.equal('');
  });

  it('gives up on a response that never completes, even one that keeps sending', async () => {
    const failure = await httpGet(new URL(`${base}/trickle`), {}, 300).then(() => undefined, (error: Error) => error);
    expect(failure?.message).to.equal('no answer within 300 ms');
  });
});
