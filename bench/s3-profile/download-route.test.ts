/**
 * The harness against the real example app in its own process (dev profile): it starts, prints
 * its URL, signs in, finds the file, and the pre-load check accepts the right answer and refuses
 * a wrong one; the route rate counts a status other than the expected one as a failure.
 */
import { expect } from 'chai';
import { startAppProcess, type AppProcess } from './app-process.js';
import { FILE_BYTES, findDownloadRoute, verifyDownload, type DownloadRoute } from './download-route.js';
import { measureRouteRate } from './route-rate.js';

describe('bench s3-profile harness (example app, dev profile, own process)', () => {
  let app: AppProcess;
  let route: DownloadRoute;

  before(async function () {
    this.timeout(90_000);
    app = await startAppProcess({ label: 'dev', profile: 'dev' });
    route = await findDownloadRoute(app.url);
  });
  after(async () => app?.stop());

  it('finds the download route of the seeded file, and it serves the bytes to the signed-in user only', async () => {
    expect(app.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(route.path).to.match(/^\/api\/files\/[^/]+\/download$/);
    const signedIn = await fetch(`${app.url}${route.path}`, { headers: { Authorization: route.authorization } });
    expect(signedIn.status).to.equal(200);
    expect(Buffer.from(await signedIn.arrayBuffer())).to.deep.equal(FILE_BYTES);
    const anonymous = await fetch(`${app.url}${route.path}`);
    expect(anonymous.status).to.equal(401);
  });

  it('accepts the 200 with the bytes and refuses to take it for a redirect', async () => {
    await verifyDownload(app.url, route, 'bytes');
    const error = await verifyDownload(app.url, route, 'redirect').then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.include('status');
  });

  it('counts every answer with another status as a failure', async function () {
    this.timeout(20_000);
    const plan = { origin: app.url, path: route.path, connections: 2, durationSeconds: 1 };
    const right = await measureRouteRate({ ...plan, headers: { Authorization: route.authorization }, status: 200, bodyLength: FILE_BYTES.length });
    expect(right.total).to.be.greaterThan(0);
    expect(right.failures).to.equal(0);
    const wrongLength = await measureRouteRate({ ...plan, headers: { Authorization: route.authorization }, status: 200, bodyLength: FILE_BYTES.length + 1 });
    expect(wrongLength.failures).to.equal(wrongLength.total);
    const unauthorized = await measureRouteRate({ ...plan, headers: {}, status: 200 });
    expect(unauthorized.total).to.be.greaterThan(0);
    expect(unauthorized.failures).to.equal(unauthorized.total);
  });
});
