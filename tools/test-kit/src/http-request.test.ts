import { expect } from 'chai';
import { request } from './http-request.js';
import { listen, type Listening } from './listen.js';

describe('request', () => {
  let server: Listening | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the path and query exactly as written, encoded dots and all, and returns status, headers and bytes', async () => {
    server = await listen((req, res) => {
      res.setHeader('X-Seen-Path', req.url ?? '');
      res.setHeader('X-Seen-Test', String(req.headers['x-test']));
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end(Buffer.from([0, 1, 2, 255]));
    });
    const response = await request(`${server.url}/file/%2e%2e/../x%00?q=%2e`, { headers: { 'X-Test': 'yes' } });
    expect(response.status).to.equal(200);
    expect(response.headers['x-seen-path']).to.equal('/file/%2e%2e/../x%00?q=%2e');
    expect(response.headers['x-seen-test']).to.equal('yes');
    expect(response.headers['set-cookie']).to.equal('a=1, b=2');
    expect(response.body).to.deep.equal(Buffer.from([0, 1, 2, 255]));
  });

  it('sends a body with its length and method, and parses a JSON answer', async () => {
    server = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ method: req.method, length: req.headers['content-length'], body: Buffer.concat(chunks).toString() }));
    });
    const response = await request(`${server.url}/echo`, { method: 'POST', body: '{"a":1}' });
    expect(response.json()).to.deep.equal({ method: 'POST', length: '7', body: '{"a":1}' });
  });
});
