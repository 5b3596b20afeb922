/**
 * What a download costs the app in S3 requests, in the `s3` profile, counted by a proxy between the
 * app (its own process, configured by environment variables only) and the S3 API server (s3rver).
 * The app hands sendoff the size and type it recorded in SQLite, so a presigned redirect needs no
 * request to S3 at all: the 302 goes out on the app's own knowledge, and its target still gives
 * the bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { request, startCountingProxy, startLocalS3, type CountingProxy, type LocalS3 } from '@sendoff-tools/test-kit';
import { startAppProcess, type AppProcess } from './app-process.js';
import { listFiles, signIn, type ListedFile } from './downloads.js';
import { seedDigest, sha256 } from './seed-digest.js';

describe('e2e: S3 requests per download in the s3 profile (counting proxy)', function () {
  this.timeout(90_000);

  let s3: LocalS3 | undefined;
  let proxy: CountingProxy | undefined;
  let dataDir = '';
  let app: AppProcess | undefined;
  let token = '';
  let files: ListedFile[] = [];

  before(async () => {
    s3 = await startLocalS3('sendoff-requests');
    proxy = await startCountingProxy(s3.endpoint);
    dataDir = await mkdtemp(join(tmpdir(), 'sendoff-e2e-s3-requests-'));
    app = await startAppProcess({
      profile: 's3',
      dataDir,
      env: {
        S3_ENDPOINT: proxy.url,
        S3_BUCKET: s3.bucket,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    token = await signIn(app.url, 'alice');
    files = await listFiles(app.url, token);
  });

  after(async () => {
    await app?.stop();
    await proxy?.close();
    await s3?.stop();
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  const downloadUrl = (file: ListedFile) => `${app!.url}/api/files/${file.id}/download`;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  it('redirects every file with no S3 request, and each 302 target gives the seeded bytes', async () => {
    expect(files.length).to.be.greaterThan(0);
    for (const file of files) {
      proxy!.reset();
      const res = await request(downloadUrl(file), { headers: auth() });
      expect(res.status, file.name).to.equal(302);
      expect(proxy!.requests, `S3 requests for the download of ${file.name}`).to.deep.equal([]);
      const target = await request(res.headers.location ?? '');
      expect(target.status, file.name).to.equal(200);
      expect(target.body.length, file.name).to.equal(file.size);
      expect(sha256(target.body), file.name).to.equal(await seedDigest(file.name));
      expect(proxy!.requests.map((seen) => seen.method), 'only the redirect target reached S3').to.deep.equal(['GET']);
    }
  });

  it('answers HEAD and conditional requests with the redirect as before, with no S3 request', async () => {
    const file = files.find((listed) => listed.name === 'hello world.txt') as ListedFile;
    proxy!.reset();
    const head = await request(downloadUrl(file), { method: 'HEAD', headers: auth() });
    const conditional = await request(downloadUrl(file), { headers: { ...auth(), 'If-None-Match': '"anything"', 'If-Modified-Since': new Date().toUTCString() } });
    expect(head.status).to.equal(302);
    expect(conditional.status).to.equal(302);
    expect(conditional.headers.location).to.match(/X-Amz-Signature=/);
    expect(proxy!.requests).to.deep.equal([]);
  });

  it('answers 404 for an id the app does not know, with no redirect and no S3 request', async () => {
    proxy!.reset();
    const res = await request(`${app!.url}/api/files/no-such-file/download`, { headers: auth() });
    expect(res.status).to.equal(404);
    expect(res.headers.location).to.equal(undefined);
    expect(proxy!.requests).to.deep.equal([]);
  });
});
