import { expect } from 'chai';
import { expectError, request, startTestApp, type TestApp } from './support.js';

/** The methods an `Allow` header lists, upper case and sorted. */
function allowed(header: string | string[] | undefined): string[] {
  return String(header ?? '')
    .split(',')
    .map((method) => method.trim().toUpperCase())
    .filter((method) => method !== '')
    .sort();
}

describe('example app: methods', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  for (const method of ['TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH', 'LINK', 'PUT', 'PATCH']) {
    it(`answers ${method} / with a JSON 405 and Allow: GET, HEAD`, async () => {
      const res = await request(`${t.url}/`, { method });
      expectError(res, 405, 'METHOD_NOT_ALLOWED');
      expect(allowed(res.headers['allow'])).to.deep.equal(['GET', 'HEAD']);
    });
  }

  it('answers a known path with a method it has no route for with a JSON 405 naming the methods it has', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['DELETE', '/api/files', ['GET', 'HEAD', 'POST']],
      ['TRACE', '/api/files', ['GET', 'HEAD', 'POST']],
      ['PUT', '/api/session', ['POST']],
      ['GET', '/api/session', ['POST']],
      ['PROPFIND', '/api/files/x/download', ['GET', 'HEAD']],
    ];
    for (const [method, path, methods] of cases) {
      const res = await request(`${t.url}${path}`, { method });
      expectError(res, 405, 'METHOD_NOT_ALLOWED');
      expect(allowed(res.headers['allow']), `${method} ${path}`).to.deep.equal(methods);
    }
  });

  it('answers an unknown path with a JSON 404 whatever the method', async () => {
    for (const method of ['GET', 'TRACE', 'PROPFIND', 'DELETE']) {
      expectError(await request(`${t.url}/nope`, { method }), 404, 'NOT_FOUND');
    }
  });
});
