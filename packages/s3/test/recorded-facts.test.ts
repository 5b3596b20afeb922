/**
 * What a download costs in S3 requests when the app hands `deliver` the facts it recorded, counted
 * by a proxy between the SDK and s3rver: a presigned redirect asks S3 nothing; without recorded
 * facts it asks once (HeadObject), as before. A stream still opens the object, so a missing object
 * is a 404 from the open.
 */
import { expect } from 'chai';
import { createDelivery, directStream, validateKey, type DeliveryPlan } from '@sendoff/core';
import { createS3Client } from '../src/create-s3-client.js';
import { S3Storage } from '../src/s3-storage.js';
import { s3Redirect } from '../src/s3-redirect.js';
import { REGION, S3RVER_CREDENTIALS, failureOf, request, startCountingProxy, startLocalS3, type CountingProxy, type LocalS3 } from '@sendoff-tools/test-kit';
import type { S3Client } from '@aws-sdk/client-s3';

const GET = { method: 'GET', headers: {} };
const BODY = Buffer.from('recorded by the app, stored in the bucket\n');
const KEY = validateKey('reports/recorded.txt');

describe('deliver with recorded facts, S3 requests counted', () => {
  let s3: LocalS3;
  let proxy: CountingProxy;
  let client: S3Client;
  let etag: string;
  let mtime: Date;

  before(async () => {
    s3 = await startLocalS3();
    proxy = await startCountingProxy(s3.endpoint);
    client = createS3Client({ endpoint: proxy.url, region: REGION, forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } });
    const stat = await new S3Storage({ client: s3.client, bucket: s3.bucket }).put(KEY, BODY, { contentType: 'text/plain' });
    etag = stat.etag;
    mtime = stat.mtime;
  });
  beforeEach(() => proxy.reset());
  after(async () => {
    client.destroy();
    await proxy.close();
    await s3.stop();
  });

  function deliverer(fallback: 's3Redirect' | 'directStream') {
    const storage = new S3Storage({ client, bucket: s3.bucket });
    return createDelivery({ environment: 'production', storage, strategies: [s3Redirect({ client }), directStream()], policy: { rules: [], fallback } });
  }

  function locationOf(plan: DeliveryPlan): string {
    if (plan.body !== 'redirect') throw new Error(`expected a redirect plan, got ${plan.body}`);
    return plan.location;
  }

  it('redirects with no S3 request when the app recorded the size and type; the URL gives the bytes', async () => {
    const plan = await deliverer('s3Redirect').deliver(GET, { key: KEY, filename: 'recorded.txt', recorded: { size: BODY.length, contentType: 'text/plain' } });
    expect(plan.status).to.equal(302);
    expect(proxy.requests).to.deep.equal([]);
    const target = await request(locationOf(plan));
    expect(target.status).to.equal(200);
    expect(target.body).to.deep.equal(BODY);
    expect(target.headers['content-type']).to.equal('text/plain');
    expect(target.headers['content-disposition']).to.equal('attachment; filename="recorded.txt"');
  });

  it('asks S3 once (HeadObject) when the app recorded nothing, as before', async () => {
    const plan = await deliverer('s3Redirect').deliver(GET, { key: KEY, contentType: 'text/plain' });
    expect(plan.status).to.equal(302);
    expect(proxy.requests.map((seen) => seen.method)).to.deep.equal(['HEAD']);
  });

  it('redirects a missing object without asking: S3 answers its 404 at the URL', async () => {
    const plan = await deliverer('s3Redirect').deliver(GET, { key: 'reports/never-stored.txt', recorded: { size: 3, contentType: 'text/plain' } });
    expect(proxy.requests).to.deep.equal([]);
    expect((await request(locationOf(plan))).status).to.equal(404);
  });

  it('streams with one S3 request (GetObject) when the app recorded every fact the stream reads', async () => {
    const plan = await deliverer('directStream').deliver(GET, { key: KEY, recorded: { size: BODY.length, mtime, etag, contentType: 'text/plain' } });
    expect(plan.status).to.equal(200);
    expect(plan.headers).to.include({ 'Content-Length': String(BODY.length), ETag: etag });
    if (plan.body !== 'stream') throw new Error(`expected a stream plan, got ${plan.body}`);
    const chunks: Buffer[] = [];
    for await (const chunk of await plan.open()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).to.deep.equal(BODY);
    expect(proxy.requests.map((seen) => seen.method)).to.deep.equal(['GET']);
  });

  it('streams a missing object as a 404 from the open', async () => {
    const plan = await deliverer('directStream').deliver(GET, { key: 'reports/never-stored.txt', recorded: { size: 3, mtime, etag, contentType: 'text/plain' } });
    if (plan.body !== 'stream') throw new Error(`expected a stream plan, got ${plan.body}`);
    const error = await failureOf(plan.open());
    expect(error).to.include({ code: 'NOT_FOUND', status: 404, expose: true });
    expect(proxy.requests.map((seen) => seen.method)).to.deep.equal(['GET']);
  });
});
