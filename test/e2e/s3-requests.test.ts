/**
 * What a download costs the app in S3 requests, counted by a proxy between the app (its own
 * process, configured by environment variables only) and the S3 API server (s3rver). The app
 * hands sendoff the size and type it recorded in SQLite. In the `s3` profile a presigned redirect
 * then needs no request to S3 at all: the 302 goes out on the app's own knowledge, and its target
 * still gives the bytes. In the `migrating` profile the app must still find where each file is
 * (bucket first, then disk), as before: one HeadObject to plan a download, and a file still only
 * on disk is never redirected to the bucket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { request, startCountingProxy, startLocalS3, type CountingProxy, type LocalS3 } from '@sendoff-tools/test-kit';
import { startAppProcess, type AppProcess } from './app-process.js';
import { listFiles, signIn, uploadFile, type ListedFile } from './downloads.js';
import { seedDigest, sha256 } from './seed-digest.js';

describe('e2e: S3 requests per download in the s3 profile (counting proxy)', function () {
  this.timeout(90_000);

  const setup = appBehindCountingProxy('s3');
  let token = '';
  let files: ListedFile[] = [];
  const app = () => setup.app as AppProcess;
  const proxy = () => setup.proxy as CountingProxy;

  before(async () => {
    token = await signIn(app().url, 'alice');
    files = await listFiles(app().url, token);
  });

  const downloadUrl = (file: ListedFile) => `${app().url}/api/files/${file.id}/download`;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  it('redirects every file with no S3 request, and each 302 target gives the seeded bytes', async () => {
    expect(files.length).to.be.greaterThan(0);
    for (const file of files) {
      proxy().reset();
      const res = await request(downloadUrl(file), { headers: auth() });
      expect(res.status, file.name).to.equal(302);
      expect(proxy().requests, `S3 requests for the download of ${file.name}`).to.deep.equal([]);
      const target = await request(res.headers.location ?? '');
      expect(target.status, file.name).to.equal(200);
      expect(target.body.length, file.name).to.equal(file.size);
      expect(sha256(target.body), file.name).to.equal(await seedDigest(file.name));
      expect(proxy().requests.map((seen) => seen.method), 'only the redirect target reached S3').to.deep.equal(['GET']);
    }
  });

  it('answers HEAD and conditional requests with the redirect as before, with no S3 request', async () => {
    const file = files.find((listed) => listed.name === 'hello world.txt') as ListedFile;
    proxy().reset();
    const head = await request(downloadUrl(file), { method: 'HEAD', headers: auth() });
    const conditional = await request(downloadUrl(file), { headers: { ...auth(), 'If-None-Match': '"anything"', 'If-Modified-Since': new Date().toUTCString() } });
    expect(head.status).to.equal(302);
    expect(conditional.status).to.equal(302);
    expect(conditional.headers.location).to.match(/X-Amz-Signature=/);
    expect(proxy().requests).to.deep.equal([]);
  });

  it('answers 404 for an id the app does not know, with no redirect and no S3 request', async () => {
    proxy().reset();
    const res = await request(`${app().url}/api/files/no-such-file/download`, { headers: auth() });
    expect(res.status).to.equal(404);
    expect(res.headers.location).to.equal(undefined);
    expect(proxy().requests).to.deep.equal([]);
  });
});

describe('e2e: S3 requests per download in the migrating profile (counting proxy)', function () {
  this.timeout(90_000);

  // The dev profile seeds the files on local disk; the migrating profile then reads the bucket first.
  const setup = appBehindCountingProxy('migrating', async (dataDir) => (await startAppProcess({ profile: 'dev', dataDir })).stop());
  const app = () => setup.app as AppProcess;
  const proxy = () => setup.proxy as CountingProxy;

  it('streams a file still only on disk from there, never redirected: the bucket asked once to plan and once as the stream opens, as before', async () => {
    const token = await signIn(app().url, 'alice');
    const file = (await listFiles(app().url, token)).find((listed) => listed.name === 'hello world.txt') as ListedFile;
    proxy().reset();
    const res = await request(`${app().url}/api/files/${file.id}/download`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.location).to.equal(undefined);
    expect(sha256(res.body)).to.equal(await seedDigest(file.name));
    // The stream opens the copy of the recorded size, which FallbackStorage finds again (bucket first).
    expect(proxy().requests.map((seen) => seen.method)).to.deep.equal(['HEAD', 'HEAD']);
  });

  it('redirects a file in the bucket after one HeadObject, and the 302 target gives its bytes', async () => {
    const token = await signIn(app().url, 'alice');
    const bytes = Buffer.from('uploaded into the bucket while migrating\n');
    const file = await uploadFile(app().url, token, 'in the bucket.txt', 'text/plain', bytes);
    proxy().reset();
    const res = await request(`${app().url}/api/files/${file.id}/download`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(302);
    expect(proxy().requests.map((seen) => seen.method)).to.deep.equal(['HEAD']);
    const target = await request(res.headers.location ?? '');
    expect(target.status).to.equal(200);
    expect(target.body).to.deep.equal(bytes);
  });
});

interface Setup {
  s3?: LocalS3;
  proxy?: CountingProxy;
  app?: AppProcess;
  dataDir?: string;
}

/**
 * Registers the hooks that start s3rver, a counting proxy in front of it and the app in `profile`
 * with the proxy as its S3 endpoint (after `prepare` ran on its fresh data directory), and stop
 * them all.
 */
function appBehindCountingProxy(profile: string, prepare?: (dataDir: string) => Promise<void>): Setup {
  const setup: Setup = {};
  before(async () => {
    setup.s3 = await startLocalS3('sendoff-requests');
    setup.proxy = await startCountingProxy(setup.s3.endpoint);
    setup.dataDir = await mkdtemp(join(tmpdir(), `sendoff-e2e-${profile}-requests-`));
    await prepare?.(setup.dataDir);
    setup.app = await startAppProcess({ profile, dataDir: setup.dataDir, env: bucketSettings(setup.proxy.url, setup.s3.bucket) });
  });
  after(async () => {
    await setup.app?.stop();
    await setup.proxy?.close();
    await setup.s3?.stop();
    if (setup.dataDir !== undefined) await rm(setup.dataDir, { recursive: true, force: true });
  });
  return setup;
}

/** The app's settings for a bucket behind `endpoint` (s3rver's key pair). */
function bucketSettings(endpoint: string, bucket: string): Record<string, string> {
  return {
    S3_ENDPOINT: endpoint,
    S3_BUCKET: bucket,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
