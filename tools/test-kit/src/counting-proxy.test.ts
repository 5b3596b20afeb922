import { expect } from 'chai';
import { request } from './http-request.js';
import { listen, type Listening } from './listen.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

describe('startCountingProxy', () => {
  let server: Listening;
  let proxy: CountingProxy;
  before(async () => {
    server = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.setHeader('X-Seen', `${req.method} ${req.url} ${req.headers['x-test'] ?? ''}`);
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end(Buffer.concat([Buffer.from('echo:'), ...chunks]));
    });
    proxy = await startCountingProxy(server.url);
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  it('passes requests on as they came, answers as the server did, and counts each one', async () => {
    const first = await request(`${proxy.url}/bucket/a%20b?x=1`, { method: 'PUT', body: 'bytes', headers: { 'X-Test': 'yes' } });
    expect(first.status).to.equal(200);
    expect(first.headers['x-seen']).to.equal('PUT /bucket/a%20b?x=1 yes');
    expect(first.body.toString()).to.equal('echo:bytes');
    const second = await request(`${proxy.url}/missing`, { method: 'HEAD' });
    expect(second.status).to.equal(404);
    expect(proxy.requests).to.deep.equal([
      { method: 'PUT', path: '/bucket/a%20b?x=1' },
      { method: 'HEAD', path: '/missing' },
    ]);
  });

  it('forgets what it saw on reset', async () => {
    await request(`${proxy.url}/one`);
    proxy.reset();
    expect(proxy.requests).to.deep.equal([]);
    await request(`${proxy.url}/two`);
    expect(proxy.requests).to.deep.equal([{ method: 'GET', path: '/two' }]);
  });
});
