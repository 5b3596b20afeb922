/**
 * The web-server profiles start their front server with the app's own request body limit (the
 * upload limit plus the multipart envelope): an upload the app accepts is never refused by the
 * server in front, and a request body larger than the app would ever take is refused by the
 * server itself (its 413, not the app's JSON), before it reaches the app. The migrating profile
 * starts the same front server for its local files.
 */
import { expect } from 'chai';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3Server, type LocalS3Server } from '@sendoff/s3/local';
import { startApp, type RunningApp } from '../start-app.js';
import { multipart, signIn, TEST_SECRET, type Part } from '../../test/support.js';
import { maxRequestBodyBytes } from '../settings.js';
import { webServerProfiles } from './web-servers.js';

const MiB = 1024 * 1024;
const UPLOAD_LIMIT = MiB;

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * An upload sent with fetch: it reads an answer the server sends before it has read the whole
 * body (Caddy closes such a connection; node:http reports the reset instead of the 413).
 */
async function uploadByFetch(base: string, token: string, part: Omit<Part, 'field'>): Promise<Answer> {
  const { body, contentType } = multipart([{ field: 'file', ...part }]);
  const response = await fetch(`${base}/api/files`, { method: 'POST', body: new Uint8Array(body), headers: { 'Content-Type': contentType, Authorization: `Bearer ${token}` } });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

function bytes(size: number): Buffer {
  return Buffer.alloc(size, 0x5a);
}

describe('example app: the front server takes the app request body limit (real servers)', function () {
  this.timeout(60_000);

  it('the largest request body is the upload limit plus a 64 KiB multipart envelope', () => {
    expect(maxRequestBodyBytes(UPLOAD_LIMIT)).to.equal(UPLOAD_LIMIT + 64 * 1024);
  });

  for (const name of Object.keys(webServerProfiles)) {
    describe(`${name} with UPLOAD_LIMIT_BYTES=${UPLOAD_LIMIT}`, () => {
      let dataDir = '';
      let app: RunningApp | undefined;
      let alice = '';
      const url = (): string => app?.url ?? expect.fail('the app did not start');

      before(async () => {
        dataDir = await mkdtemp(join(tmpdir(), 'sendoff-body-limit-'));
        await chmod(dataDir, 0o755); // the servers' workers run as another user
        app = await startApp({ port: 0, dataDir, profile: name, env: { SENDOFF_APP_SECRET: TEST_SECRET, UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT) }, log: () => undefined });
        alice = await signIn(app.url, 'alice');
      });
      after(async () => {
        await app?.close();
        app = undefined;
        await rm(dataDir, { recursive: true, force: true });
      });

      it(`accepts a file of exactly UPLOAD_LIMIT_BYTES through ${name} (201): the envelope fits too`, async () => {
        const answer = await uploadByFetch(url(), alice, { filename: 'at-the-limit.bin', bytes: bytes(UPLOAD_LIMIT) });
        expect(answer.status, answer.body).to.equal(201);
        expect(JSON.parse(answer.body)).to.include({ name: 'at-the-limit.bin', size: UPLOAD_LIMIT });
      });

      it('answers a file one byte over UPLOAD_LIMIT_BYTES with the app\'s own 413', async () => {
        const answer = await uploadByFetch(url(), alice, { filename: 'one-byte-over.bin', bytes: bytes(UPLOAD_LIMIT + 1) });
        expect(answer.status).to.equal(413);
        expect(answer.contentType).to.match(/^application\/json/);
      });

      it(`answers a request body over the app's limit with ${name}'s own 413, before it reaches the app`, async () => {
        const answer = await uploadByFetch(url(), alice, { filename: 'far-over.bin', bytes: bytes(2 * UPLOAD_LIMIT) });
        expect(answer.status).to.equal(413);
        expect(answer.contentType).to.not.match(/json/);
      });
    });
  }

  describe('migrating with MIGRATING_LOCAL_DELIVERY=nginx', () => {
    let dataDir = '';
    let s3: LocalS3Server | undefined;
    let app: RunningApp | undefined;

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sendoff-body-limit-'));
      await chmod(dataDir, 0o755);
      s3 = await startLocalS3Server({ directory: join(dataDir, 'test-s3'), buckets: ['body-limit'] });
      app = await startApp({
        port: 0,
        dataDir,
        profile: 'migrating',
        env: {
          SENDOFF_APP_SECRET: TEST_SECRET,
          UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT),
          MIGRATING_LOCAL_DELIVERY: 'nginx',
          S3_ENDPOINT: s3.endpoint,
          S3_BUCKET: 'body-limit',
          AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        },
        log: () => undefined,
      });
    });
    after(async () => {
      await app?.close();
      await s3?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('refuses a request body over the app\'s limit at nginx (its 413), and lets an upload at the limit through', async () => {
      const base = app?.url ?? expect.fail('the app did not start');
      const alice = await signIn(base, 'alice');
      const far = await uploadByFetch(base, alice, { filename: 'far-over.bin', bytes: bytes(2 * UPLOAD_LIMIT) });
      expect(far.status).to.equal(413);
      expect(far.contentType).to.not.match(/json/);
      const atLimit = await uploadByFetch(base, alice, { filename: 'at-the-limit.bin', bytes: bytes(UPLOAD_LIMIT) });
      expect(atLimit.status, atLimit.body).to.equal(201);
    });
  });
});
