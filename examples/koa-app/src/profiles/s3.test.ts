import { expect } from 'chai';
import { fileNamed, request, signIn, startTestApp, upload, type TestApp } from '../../test/support.js';

describe('example app: s3 profile (local s3rver)', () => {
  for (const delivery of ['redirect', 'proxy'] as const) {
    describe(`S3_DELIVERY=${delivery}`, () => {
      let t: TestApp;
      before(async function () {
        this.timeout(30_000);
        t = await startTestApp({ profile: 's3', env: { SENDOFF_APP_SECRET: 'test-secret-of-at-least-thirty-two-characters', S3_DELIVERY: delivery } });
      });
      after(async () => t.stop());

      it('says it started a local S3 API server, where, and for which bucket', () => {
        const note = t.app.notes.find((line) => line.includes('local S3 API server'));
        expect(note).to.match(/^no S3_ENDPOINT or S3_BUCKET: started a local S3 API server \(s3rver\) at http:\/\/127\.0\.0\.1:\d+, bucket "sendoff-example", objects under /);
        expect(note).to.include(t.dataDir);
      });

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
    });
  }
});

async function followRedirect(res: Awaited<ReturnType<typeof request>>) {
  expect(res.status).to.equal(302);
  expect(res.headers['cache-control']).to.match(/^private, max-age=\d+$/);
  const maxAge = Number(/max-age=(\d+)/.exec(res.headers['cache-control'] ?? '')?.[1]);
  expect(maxAge).to.be.at.most(300 - 30);
  const location = res.headers.location ?? '';
  expect(location).to.match(/^http:\/\/127\.0\.0\.1:\d+\/sendoff-example\/.+X-Amz-Signature=[0-9a-f]{64}/);
  return request(location);
}
