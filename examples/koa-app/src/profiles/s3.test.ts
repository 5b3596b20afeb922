import { expect } from 'chai';
import { RADOSGW, S3RVER, S3_TARGETS, type LocalS3, type S3Target } from '@sendoff-tools/test-kit';
import { ACTIVE_UPLOADS, SANDBOX_CSP, expectError, fileNamed, request, sendJson, signIn, startTestApp, upload, uploadedId, type TestApp } from '../../test/support.js';
import { LOCAL_BUCKET } from './s3-bucket.js';

const HELLO = Buffer.from('Hello, world!\n');

/** Where the profile finds its bucket, as the environment tells it. */
interface BucketSettings {
  env: Record<string, string>;
  bucket: string;
  stop(): Promise<void>;
}

/**
 * s3rver: no S3 variable, so the profile starts its own local s3rver. radosgw: a bucket of the
 * test kit's cluster, named by S3_ENDPOINT, S3_BUCKET and the AWS key pair, as a deployment would.
 */
async function settingsFor(target: S3Target): Promise<BucketSettings> {
  if (target === S3RVER) return { env: {}, bucket: LOCAL_BUCKET, stop: async () => undefined };
  const s3: LocalS3 = await target.start('sendoff-example');
  return {
    env: { S3_ENDPOINT: s3.endpoint, S3_BUCKET: s3.bucket, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey },
    bucket: s3.bucket,
    stop: () => s3.stop(),
  };
}

for (const target of S3_TARGETS) {
  describe(`example app: s3 profile (${target === S3RVER ? 'local s3rver' : target.name})`, () => {
    for (const delivery of ['redirect', 'proxy'] as const) {
      describe(`S3_DELIVERY=${delivery}`, () => {
        let t: TestApp;
        let settings: BucketSettings | undefined;
        const followRedirect = (res: Awaited<ReturnType<typeof request>>) => followRedirectTo(settings!.bucket, res);
        before(async function () {
          this.timeout(target.startTimeoutMs + 30_000);
          settings = await settingsFor(target);
          t = await startTestApp({ profile: 's3', env: { SENDOFF_APP_SECRET: 'test-secret-of-at-least-thirty-two-characters', S3_DELIVERY: delivery, ...settings.env } });
        });
        after(async () => {
          await t?.stop();
          await settings?.stop();
        });

        if (target === S3RVER) {
          it('says it started a local S3 API server, where, and for which bucket', () => {
            const note = t.app.notes.find((line) => line.includes('local S3 API server'));
            expect(note).to.match(/^no S3_ENDPOINT or S3_BUCKET: started a local S3 API server \(s3rver\) at http:\/\/127\.0\.0\.1:\d+, bucket "sendoff-example", objects under /);
            expect(note).to.include(t.dataDir);
          });
        }

        if (target === RADOSGW) {
          it('started no S3 server of its own: the bucket is the one S3_ENDPOINT and S3_BUCKET name', async () => {
            expect(t.app.notes.join('\n')).to.not.include('local S3 API server');
            const alice = await signIn(t.url, 'alice');
            const file = await fileNamed(t.url, alice, 'hello world.txt');
            const res = await request(`${t.url}/api/files/${file.id}/download`, { token: alice, method: delivery === 'redirect' ? 'GET' : 'HEAD' });
            if (delivery === 'redirect') expect(new URL(res.headers.location ?? '').origin).to.equal(settings!.env['S3_ENDPOINT']);
            else expect(res.headers['content-length']).to.equal(String(HELLO.length));
          });
        }

        it('uploads into the bucket and gives the same bytes, name and type back', async () => {
          const token = await signIn(t.url, 'alice');
          const bytes = Buffer.from('stored in S3, delivered by sendoff\n');
          const uploaded = await upload(t.url, token, { filename: 'note from S3.txt', contentType: 'text/plain', bytes });
          expect(uploaded.status).to.be.oneOf([200, 201]);
          const file = await fileNamed(t.url, token, 'note from S3.txt');
          const res = await request(`${t.url}/api/files/${file.id}/download`, { token });
          const final = delivery === 'redirect' ? await followRedirect(res) : res;
          expect(final.status).to.equal(200);
          expect(final.body).to.deep.equal(bytes);
          expect(final.headers['content-type']).to.match(/^text\/plain/);
          expect(final.headers['content-disposition']).to.equal('attachment; filename="note from S3.txt"');
        });

        for (const part of ACTIVE_UPLOADS) {
          it(`serves an uploaded ${part.filename} opened inline as an attachment the browser cannot render`, async () => {
            const token = await signIn(t.url, 'alice');
            const id = await uploadedId(t.url, token, part);
            const res = await request(`${t.url}/api/files/${id}/download?disposition=inline`, { token });
            const final = delivery === 'redirect' ? await followRedirect(res) : res;
            expect(final.status).to.equal(200);
            expect(final.body).to.deep.equal(part.bytes);
            expect(final.headers['content-disposition']).to.equal(`attachment; filename="${part.filename}"`);
            if (delivery === 'redirect') {
              // S3 can send neither a CSP nor nosniff: the bucket serves it as bytes no browser renders.
              expect(final.headers['content-type']).to.equal('application/octet-stream');
            } else {
              expect(final.headers['content-type']).to.equal(part.contentType);
              expect(final.headers['x-content-type-options']).to.equal('nosniff');
              expect(final.headers['content-security-policy']).to.equal(SANDBOX_CSP);
            }
          });
        }

        if (delivery === 'redirect') {
          it('answers HEAD with a redirect to a HEAD-signed URL that answers HEAD with the length', async () => {
            const alice = await signIn(t.url, 'alice');
            const file = await fileNamed(t.url, alice, 'hello world.txt');
            const download = `${t.url}/api/files/${file.id}/download`;
            const [head, get] = await sameSigningWindow(() => request(download, { token: alice, method: 'HEAD' }), () => request(download, { token: alice }));
            expect(head.status).to.equal(302);
            expect(head.body.length).to.equal(0);
            const headUrl = new URL(head.headers.location ?? '');
            const getUrl = new URL(get.headers.location ?? '');
            // Same object, same date, same parameters: only the signed method can make the signatures differ.
            expect(headUrl.pathname).to.equal(getUrl.pathname);
            expect(withoutSignature(headUrl)).to.equal(withoutSignature(getUrl));
            expect(headUrl.searchParams.get('X-Amz-Signature')).to.match(/^[0-9a-f]{64}$/);
            expect(headUrl.searchParams.get('X-Amz-Signature')).to.not.equal(getUrl.searchParams.get('X-Amz-Signature'));
            const atS3 = await request(headUrl.href, { method: 'HEAD' });
            expect(atS3.status).to.equal(200);
            expect(atS3.headers['content-length']).to.equal(String(HELLO.length));
            expect(atS3.body.length).to.equal(0);
          });

          it('leaves Range to S3: the redirect target answers 206 with the bytes', async () => {
            const alice = await signIn(t.url, 'alice');
            const file = await fileNamed(t.url, alice, 'hello world.txt');
            const res = await request(`${t.url}/api/files/${file.id}/download`, { token: alice, headers: { Range: 'bytes=0-4' } });
            expect(res.status).to.equal(302);
            expect(res.headers['content-range']).to.equal(undefined);
            const atS3 = await request(res.headers.location ?? '', { headers: { Range: 'bytes=0-4' } });
            expect(atS3.status).to.equal(206);
            expect(atS3.headers['content-range']).to.equal(`bytes 0-4/${HELLO.length}`);
            expect(atS3.body).to.deep.equal(HELLO.subarray(0, 5));
          });
        } else {
          it('answers HEAD with Content-Length and no body, without redirecting', async () => {
            const alice = await signIn(t.url, 'alice');
            const file = await fileNamed(t.url, alice, 'hello world.txt');
            const res = await request(`${t.url}/api/files/${file.id}/download`, { token: alice, method: 'HEAD' });
            expect(res.status).to.equal(200);
            expect(res.headers.location).to.equal(undefined);
            expect(res.headers['content-length']).to.equal(String(HELLO.length));
            expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8');
            expect(res.body.length).to.equal(0);
          });

          for (const [range, start, end] of [['bytes=0-4', 0, 4], ['bytes=-6', HELLO.length - 6, HELLO.length - 1], ['bytes=7-', 7, HELLO.length - 1]] as const) {
            it(`answers Range: ${range} itself with 206 and the bytes`, async () => {
              const alice = await signIn(t.url, 'alice');
              const file = await fileNamed(t.url, alice, 'hello world.txt');
              const res = await request(`${t.url}/api/files/${file.id}/download`, { token: alice, headers: { Range: range } });
              expect(res.status).to.equal(206);
              expect(res.headers['content-range']).to.equal(`bytes ${start}-${end}/${HELLO.length}`);
              expect(res.headers['content-length']).to.equal(String(end - start + 1));
              expect(res.body).to.deep.equal(HELLO.subarray(start, end + 1));
            });
          }
        }

        it('answers 404 to an unknown id and to another user\'s file, with no redirect and no bytes', async () => {
          const alice = await signIn(t.url, 'alice');
          const bob = await signIn(t.url, 'bob');
          const unknown = await request(`${t.url}/api/files/no-such-file/download`, { token: alice });
          expectError(unknown, 404, 'NOT_FOUND');
          expect(unknown.headers.location).to.equal(undefined);
          const notShared = await fileNamed(t.url, alice, 'plus+sign.txt');
          const foreign = await request(`${t.url}/api/files/${notShared.id}/download`, { token: bob });
          expectError(foreign, 404, 'NOT_FOUND');
          expect(foreign.headers.location).to.equal(undefined);
          expect(foreign.body.toString()).to.not.include('1+1=2');
        });

        it('delivers a signed /l/ link without Authorization, and answers 403 to a tampered one', async () => {
          const alice = await signIn(t.url, 'alice');
          const file = await fileNamed(t.url, alice, 'hello world.txt');
          const created = await sendJson(`${t.url}/api/files/${file.id}/link`, { ttl: 60 }, { token: alice });
          expect(created.status).to.equal(201);
          const { url } = created.json<{ url: string }>();
          expect(url.startsWith(`${t.url}/l/`)).to.equal(true);
          const res = await request(url);
          const final = delivery === 'redirect' ? await followRedirect(res) : res;
          expect(final.status).to.equal(200);
          expect(final.body).to.deep.equal(HELLO);
          const token = url.slice(url.lastIndexOf('/') + 1);
          const [payload = '', signature = ''] = token.split('.');
          const tampered = `${payload}.${signature.slice(0, 3)}${signature[3] === 'A' ? 'B' : 'A'}${signature.slice(4)}`;
          const refused = await request(`${t.url}/l/${tampered}`);
          expectError(refused, 403);
          expect(refused.headers.location).to.equal(undefined);
          expect(refused.headers['content-disposition']).to.equal(undefined);
        });
      });
    }
  });
}

async function followRedirectTo(bucket: string, res: Awaited<ReturnType<typeof request>>) {
  expect(res.status).to.equal(302);
  expect(res.headers['cache-control']).to.match(/^private, max-age=\d+$/);
  const maxAge = Number(/max-age=(\d+)/.exec(res.headers['cache-control'] ?? '')?.[1]);
  expect(maxAge).to.be.at.most(300 - 30);
  const location = res.headers.location ?? '';
  expect(location).to.match(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${bucket}/.+X-Amz-Signature=[0-9a-f]{64}`));
  return request(location);
}

/** The URL's query without its signature, parameters sorted. */
function withoutSignature(url: URL): string {
  const params = new URLSearchParams(url.search);
  params.delete('X-Amz-Signature');
  params.sort();
  return params.toString();
}

/** Runs both requests in one signing window (the app signs per 60 s window): retried once across a border. */
async function sameSigningWindow<A, B>(first: () => Promise<A & { headers: { location?: string } }>, second: () => Promise<B & { headers: { location?: string } }>): Promise<[A, B]> {
  for (let attempt = 0; ; attempt += 1) {
    const a = await first();
    const b = await second();
    const dateOf = (res: { headers: { location?: string } }) => new URL(res.headers.location ?? 'http://x').searchParams.get('X-Amz-Date');
    if (dateOf(a) === dateOf(b) || attempt === 1) return [a, b];
  }
}
