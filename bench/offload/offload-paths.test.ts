import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningServer } from '@sendoff-tools/web-servers';
import { startChildServer, type ChildServer } from '@sendoff-tools/test-kit';
import { request } from '@sendoff-tools/test-kit';
import { createOffloadFixtures, type OffloadFixtures } from './fixtures.js';
import { startNginxFront, withStaticLocation } from './nginx-front.js';
import { BARE_ACCEL_TARGET, INTERNAL_PREFIX, ROUTES, STATIC_PREFIX, pathOf } from './routes.js';
import { verifyPaths } from './verify.js';

const APP_SCRIPT = new URL('./servers/offload-app.ts', import.meta.url);
const SIZE = 3 * 2 ** 20 + 7;

describe('offload benchmark: the app behind a real nginx', function () {
  let fixtures: OffloadFixtures;
  let app: ChildServer;
  let nginx: RunningServer;
  let file: Buffer;

  before(async () => {
    fixtures = await createOffloadFixtures(SIZE);
    app = await startChildServer({ name: 'offload app', script: APP_SCRIPT, args: [fixtures.root, INTERNAL_PREFIX] });
    nginx = await startNginxFront(fixtures.root, app.port);
    file = await readFile(join(fixtures.root, fixtures.largeKey));
  });

  after(async () => {
    await nginx?.stop();
    await app?.stop();
    await fixtures?.remove();
  });

  it('passes the pre-run verification', async () => {
    await verifyPaths({ nginx: nginx.url, app: app.origin }, fixtures);
  });

  it('fails the verification, naming the path, when X-Accel is not honoured', async () => {
    // The app in place of nginx: its X-Accel answer is an empty body with the header.
    const failure = await verifyPaths({ nginx: app.origin, app: app.origin }, fixtures).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).to.match(/pre-run verification failed/);
    expect(failure).to.include(`GET ${app.origin}${pathOf(ROUTES.accel, fixtures.largeKey)}: Content-Length`);
  });

  it('serves the file through X-Accel with its bytes, its length and no delivery header', async () => {
    const response = await request(nginx.url + pathOf(ROUTES.accel, fixtures.largeKey));
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal(String(SIZE));
    expect(response.headers['content-disposition']).to.equal('attachment; filename="large.bin"');
    expect(response.headers['x-accel-redirect']).to.equal(undefined);
    expect(response.body.equals(file)).to.equal(true);
  });

  it('serves the same bytes from the static location of the same nginx', async () => {
    const response = await request(nginx.url + pathOf(STATIC_PREFIX, fixtures.largeKey));
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal(String(SIZE));
    expect(response.headers['content-disposition']).to.equal(undefined);
    expect(response.body.equals(file)).to.equal(true);
  });

  it('keeps the internal location closed to clients', async () => {
    const response = await request(nginx.url + pathOf(INTERNAL_PREFIX, fixtures.largeKey));
    expect(response.status).to.equal(404);
    expect(response.body.includes(file.subarray(0, 64))).to.equal(false);
  });

  it('answers the download route itself with an empty 200 and the header nginx acts on', async () => {
    const response = await request(app.origin + pathOf(ROUTES.accel, fixtures.largeKey));
    expect(response.status).to.equal(200);
    expect(response.body.length).to.equal(0);
    expect(response.headers['x-accel-redirect']).to.equal(`${INTERNAL_PREFIX}large/large.bin`);
    expect(response.headers['content-length']).to.equal('0');
  });

  it('answers the bare route with the same shape and a constant header', async () => {
    const response = await request(app.origin + ROUTES.bare);
    expect(response.status).to.equal(200);
    expect(response.body.length).to.equal(0);
    expect(response.headers['x-accel-redirect']).to.equal(BARE_ACCEL_TARGET);
    expect(response.headers['content-type']).to.equal(undefined);
  });

  it('answers the resolve-only route like the bare one once the file is found, 404 when it is not', async () => {
    const found = await request(app.origin + pathOf(ROUTES.resolve, fixtures.largeKey));
    expect(found.status).to.equal(200);
    expect(found.body.length).to.equal(0);
    expect(found.headers['x-accel-redirect']).to.equal(BARE_ACCEL_TARGET);
    const missing = await request(app.origin + pathOf(ROUTES.resolve, 'large/missing.bin'));
    expect(missing.status).to.equal(404);
    expect(missing.headers['x-accel-redirect']).to.equal(undefined);
  });

  it('streams the file itself on the direct route', async () => {
    const response = await request(app.origin + pathOf(ROUTES.direct, fixtures.largeKey));
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal(String(SIZE));
    expect(response.headers['x-accel-redirect']).to.equal(undefined);
    expect(response.body.equals(file)).to.equal(true);
  });

  it('answers the JSON route with a small JSON body', async () => {
    const response = await request(app.origin + ROUTES.status);
    expect(response.status).to.equal(200);
    expect(response.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(JSON.parse(response.body.toString('utf8'))).to.deep.equal({ status: 'ok', directStreamsInFlight: 0 });
  });

  for (const [what, path, status] of [
    ['a malformed escape', `${ROUTES.accel}large%zz.bin`, 400],
    ['an encoded parent segment', `${ROUTES.accel}large/%2e%2e/%2e%2e/etc/passwd`, 400],
    ['an encoded NUL', `${ROUTES.accel}large/large.bin%00`, 400],
    ['an encoded parent segment on the resolve route', `${ROUTES.resolve}%2e%2e/%2e%2e/etc/passwd`, 400],
    ['a missing file', `${ROUTES.accel}large/missing.bin`, 404],
    ['an unknown route', '/nowhere', 404],
  ] as const) {
    it(`answers ${what} with ${status}, no delivery header and no internal path`, async () => {
      for (const origin of [app.origin, nginx.url]) {
        const response = await request(`${origin}${path}`);
        expect(response.status, origin).to.equal(status);
        expect(response.headers['x-accel-redirect'], origin).to.equal(undefined);
        expect(response.body.toString('latin1'), origin).not.to.include(fixtures.root);
      }
    });
  }
});

describe('withStaticLocation', () => {
  const CONFIG = ['http {', '  server {', '    listen 127.0.0.1:8080;', '    location / {', '    }', '  }', '}'].join('\n');

  it('adds the static location right after the listen line', () => {
    expect(withStaticLocation(CONFIG, '/srv/files').split('\n')).to.deep.equal([
      'http {',
      '  server {',
      '    listen 127.0.0.1:8080;',
      `    location ^~ ${STATIC_PREFIX} {`,
      '      alias "/srv/files/";',
      '    }',
      '    location / {',
      '    }',
      '  }',
      '}',
    ]);
  });

  it('refuses a config without a listen line', () => {
    expect(() => withStaticLocation('http { }', '/srv/files')).to.throw(/no listen line/);
  });
});
