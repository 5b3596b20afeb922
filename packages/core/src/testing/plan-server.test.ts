import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import type { DeliveryPlan, DeliveryRequest } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { fetchResponse, rawResponse } from './http-client.js';
import { createPlanServer, type PlanServer } from './plan-server.js';

describe('createPlanServer', () => {
  let server: PlanServer;
  let next: (request: DeliveryRequest, url: URL) => DeliveryPlan | Promise<DeliveryPlan>;
  let opened: number;

  before(async () => {
    server = await createPlanServer((request, url) => next(request, url));
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(() => {
    opened = 0;
  });

  const streamPlan = (text: string): DeliveryPlan => ({
    strategy: 'test',
    status: 200,
    headers: { 'Content-Type': 'text/plain', 'Content-Length': String(text.length) },
    body: 'stream',
    length: text.length,
    open: async () => {
      opened += 1;
      return Readable.from([Buffer.from(text)]);
    },
  });

  it('listens on 127.0.0.1 with an ephemeral port', () => {
    expect(server.baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.baseUrl).to.not.match(/:0$/);
  });

  it('streams a stream plan with its status and headers', async () => {
    next = () => streamPlan('hello world');
    const response = await fetchResponse(`${server.baseUrl}/x`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.headers['content-type']).to.equal('text/plain');
    expect(response.headers['content-length']).to.equal('11');
    expect(response.body.toString()).to.equal('hello world');
    expect(opened).to.equal(1);
  });

  it('passes method, lower-case headers and the path to the handler', async () => {
    let seen: { method: string; range: unknown; path: string; signal: boolean } | undefined;
    next = (request, url) => {
      seen = { method: request.method, range: request.headers['range'], path: url.pathname + url.search, signal: request.signal instanceof AbortSignal };
      return { strategy: 'test', status: 204, headers: {}, body: 'empty' };
    };
    const response = await fetchResponse(`${server.baseUrl}/a/b?c=d`, 'GET', { Range: 'bytes=0-1' });
    expect(response.status).to.equal(204);
    expect(seen).to.deep.equal({ method: 'GET', range: 'bytes=0-1', path: '/a/b?c=d', signal: true });
  });

  it('never opens the stream of a HEAD and sends no body', async () => {
    next = () => streamPlan('hello world');
    const response = await rawResponse(`${server.baseUrl}/x`, 'HEAD');
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal('11');
    expect(response.body).to.have.length(0);
    expect(opened).to.equal(0);
  });

  it('applies a redirect plan with Location and no body', async () => {
    next = () => ({ strategy: 'test', status: 302, headers: { 'Cache-Control': 'private, max-age=60' }, body: 'redirect', location: 'https://files.example/a?sig=1' });
    const response = await fetchResponse(`${server.baseUrl}/x`, 'GET');
    expect(response.status).to.equal(302);
    expect(response.headers['location']).to.equal('https://files.example/a?sig=1');
    expect(response.headers['cache-control']).to.equal('private, max-age=60');
    expect(response.body).to.have.length(0);
  });

  it('applies an empty plan with its headers', async () => {
    next = () => ({ strategy: 'test', status: 416, headers: { 'Content-Range': 'bytes */10', 'Content-Length': '0' }, body: 'empty' });
    const response = await rawResponse(`${server.baseUrl}/x`, 'GET');
    expect(response.status).to.equal(416);
    expect(response.headers['content-range']).to.equal('bytes */10');
    expect(response.body).to.have.length(0);
  });

  it('renders an exposed SendoffError with its status, headers and message', async () => {
    next = () => {
      throw new SendoffError('RANGE_NOT_SATISFIABLE', 'range not satisfiable', { headers: { 'Content-Range': 'bytes */5' } });
    };
    const response = await fetchResponse(`${server.baseUrl}/x`, 'GET');
    expect(response.status).to.equal(416);
    expect(response.headers['content-range']).to.equal('bytes */5');
    expect(response.body.toString()).to.equal('range not satisfiable');
  });

  it('renders any other error as a bare 500 that leaks nothing', async () => {
    next = async () => {
      throw new Error('EACCES: /srv/private/file');
    };
    const response = await fetchResponse(`${server.baseUrl}/x`, 'GET');
    expect(response.status).to.equal(500);
    expect(response.body.toString()).to.equal('Internal Server Error');
  });

  it('drops the headers of a plan whose stream fails to open', async () => {
    next = () => ({ ...streamPlan('x'), headers: { 'X-Secret': 'internal' }, open: async () => Promise.reject(new SendoffError('NOT_FOUND', 'file not found')) });
    const response = await fetchResponse(`${server.baseUrl}/x`, 'GET');
    expect(response.status).to.equal(404);
    expect(response.headers['x-secret']).to.equal(undefined);
    expect(response.body.toString()).to.equal('file not found');
  });
});

describe('rawResponse', () => {
  let stray: Server;
  let baseUrl: string;

  before(async () => {
    stray = createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Twice: a\r\nX-Twice: b\r\n\r\nabc'));
    });
    await new Promise<void>((resolve) => stray.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(stray.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => stray.close(resolve));
  });

  it('returns the bytes a server wrongly sends after the head of a HEAD response', async () => {
    const response = await rawResponse(`${baseUrl}/x`, 'HEAD');
    expect(response.status).to.equal(200);
    expect(response.body.toString()).to.equal('abc');
    expect(response.headers['x-twice']).to.equal('a, b');
  });
});
