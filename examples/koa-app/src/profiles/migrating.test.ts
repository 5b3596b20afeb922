import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startLocalS3Server, type LocalS3Server } from '@sendoff/s3/local';
import { expect } from 'chai';
import { fileNamed, request, signIn, TEST_SECRET, upload } from '../../test/support.js';
import { startApp, type RunningApp } from '../start-app.js';

const BUCKET = 'migrating-profile';
const HELLO = Buffer.from('Hello, world!\n');

describe('example app: migrating profile (S3 first, local files second)', () => {
  let s3: LocalS3Server;
  let client: S3Client;
  let dataDir: string;
  let app: RunningApp | undefined;

  before(async function () {
    this.timeout(30_000);
    dataDir = await fsp.mkdtemp(path.join(tmpdir(), 'sendoff-migrating-'));
    s3 = await startLocalS3Server({ directory: path.join(dataDir, 'test-s3'), buckets: [BUCKET] });
    client = s3.createClient();
    // The files are seeded on local disk, as before a migration.
    const seeding = await startApp({ port: 0, dataDir, profile: 'dev', env: { SENDOFF_APP_SECRET: TEST_SECRET }, log: () => undefined });
    await seeding.close();
  });
  after(async () => {
    await app?.close();
    client?.destroy();
    await s3?.stop();
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    SENDOFF_APP_SECRET: TEST_SECRET,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: BUCKET,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    ...extra,
  });

  it('streams a file not copied yet from disk, redirects to S3 once it is there, same bytes both times', async () => {
    app = await startApp({ port: 0, dataDir, profile: 'migrating', env: env(), log: () => undefined });
    const token = await signIn(app.url, 'alice');
    const file = await fileNamed(app.url, token, 'hello world.txt');

    const local = await request(`${app.url}/api/files/${file.id}/download`, { token });
    expect(local.status).to.equal(200);
    expect(local.body).to.deep.equal(HELLO);
    expect(local.headers['content-disposition']).to.equal('attachment; filename="hello world.txt"');

    // What `sendoff migrate` does for this file: the same key, the same bytes, in the bucket.
    const key = await localKeyHolding(path.join(dataDir, 'files'), HELLO);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: HELLO, ContentType: 'text/plain' }));

    const moved = await request(`${app.url}/api/files/${file.id}/download`, { token });
    expect(moved.status).to.equal(302);
    const location = moved.headers.location ?? '';
    expect(location.startsWith(`${s3.endpoint}/${BUCKET}/${key}?`)).to.equal(true);
    const fromS3 = await request(location);
    expect(fromS3.status).to.equal(200);
    expect(fromS3.body).to.deep.equal(HELLO);
    expect(fromS3.headers['content-disposition']).to.equal('attachment; filename="hello world.txt"');
  });

  it('sends uploads to the bucket, never to the local files', async () => {
    const token = await signIn(app!.url, 'bob');
    const bytes = Buffer.from('uploaded during the migration\n');
    const res = await upload(app!.url, token, { filename: 'new.txt', contentType: 'text/plain', bytes });
    expect(res.status).to.equal(201);
    const id = res.json<{ id: string }>().id;
    const onDisk = await fsp.readdir(path.join(dataDir, 'files', 'u', 'bob'));
    expect(onDisk).to.not.include(id);
    const download = await request(`${app!.url}/api/files/${id}/download`, { token });
    expect(download.status).to.equal(302);
    expect(download.headers.location).to.match(new RegExp(`^${s3.endpoint}/${BUCKET}/u/bob/${id}\\?`));
    const body = await request(download.headers.location ?? '');
    expect(body.status).to.equal(200);
    expect(body.body).to.deep.equal(bytes);
  });

  it('streams a file from disk while the bucket holds only part of it (an upload under way), redirects once the object is whole', async () => {
    const token = await signIn(app!.url, 'alice');
    const file = await fileNamed(app!.url, token, 'Résumé – naïve.pdf');
    const local = await request(`${app!.url}/api/files/${file.id}/download`, { token });
    expect(local.status).to.equal(200);
    const bytes = local.body;
    expect(bytes.length).to.equal(file.size);
    const key = await localKeyHolding(path.join(dataDir, 'files'), bytes);

    // A PutObject whose body has sent its first half: s3rver already answers HeadObject and GET
    // for the object, with the size written so far, as it does while any upload is under way.
    const half = Math.floor(bytes.length / 2);
    const body = new PassThrough();
    const abandon = new AbortController();
    const putObject = new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: bytes.length, ContentType: 'application/pdf' });
    const upload = client.send(putObject, { abortSignal: abandon.signal });
    try {
      body.write(bytes.subarray(0, half));
      await untilObjectSize(client, key, half);

      const during = await request(`${app!.url}/api/files/${file.id}/download`, { token });
      expect(during.status, 'served from disk, not redirected to the partial object').to.equal(200);
      expect(during.headers['content-length']).to.equal(String(bytes.length));
      expect(during.body).to.deep.equal(bytes);

      body.end(bytes.subarray(half));
      await upload;
    } finally {
      if (!body.writableEnded) abandon.abort();
      await upload.catch(() => undefined);
    }
    const moved = await request(`${app!.url}/api/files/${file.id}/download`, { token });
    expect(moved.status).to.equal(302);
    const fromS3 = await request(moved.headers.location ?? '');
    expect(fromS3.status).to.equal(200);
    expect(fromS3.body).to.deep.equal(bytes);
  });

  it('refuses an unknown MIGRATING_LOCAL_DELIVERY with the known values, before starting anything', async () => {
    let failure: unknown;
    await startApp({ port: 0, dataDir, profile: 'migrating', env: env({ MIGRATING_LOCAL_DELIVERY: 'squid' }), log: () => undefined }).catch(
      (error: unknown) => (failure = error),
    );
    expect(String(failure)).to.equal('Error: unknown MIGRATING_LOCAL_DELIVERY "squid"; known: direct, nginx, apache, lighttpd, caddy');
  });
});

/** The key (relative path) of the local file whose bytes are `bytes`. */
async function localKeyHolding(root: string, bytes: Buffer): Promise<string> {
  for (const entry of await fsp.readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if ((await fsp.readFile(file)).equals(bytes)) return path.relative(root, file).split(path.sep).join('/');
  }
  throw new Error('no local file holds these bytes');
}

/** Waits until the bucket answers HeadObject for `key` with `size` bytes (a bounded number of looks). */
async function untilObjectSize(client: S3Client, key: string, size: number): Promise<void> {
  let seen: number | undefined;
  for (let look = 0; look < 500; look++) {
    seen = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
      (head) => head.ContentLength,
      () => undefined,
    );
    if (seen === size) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the bucket never showed ${key} with ${size} bytes (last seen: ${seen ?? 'none'})`);
}
