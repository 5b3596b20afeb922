/**
 * What a subscriber to the sendoff channels sees of S3 deliveries, through a real node:http server,
 * s3rver and a real client: a presigned redirect (followed to the bytes), the direct stream proxying
 * the object (whole and abandoned by the client).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createDelivery, directStream, validateKey, type Deliverer } from '@sendoff/core';
import { createPlanServer, type PlanServer } from '@sendoff/core/testing';
import { readThenAbandon, recordDeliveries, request, startLocalS3, type DeliveryEvents, type LocalS3 } from '@sendoff-tools/test-kit';
import { S3Storage } from '../src/s3-storage.js';
import { s3Redirect } from '../src/s3-redirect.js';

const DELIVERY = ['start', 'end', 'asyncStart', 'asyncEnd'];

describe('the sendoff:deliver channels over S3 (s3rver)', () => {
  let s3: LocalS3;
  let server: PlanServer;
  let events: DeliveryEvents;
  const small = Buffer.from('the small object, proxied or redirected\n');
  const big = randomBytes(8 * 2 ** 20);

  before(async function () {
    this.timeout(30_000);
    s3 = await startLocalS3();
    const storage = new S3Storage({ client: s3.client, bucket: s3.bucket, prefix: 'tenant/' });
    await storage.put(validateKey('docs/small.txt'), small, { contentType: 'text/plain' });
    await storage.put(validateKey('big.bin'), big);
    // Whole-file GETs are redirected to S3; ranges are proxied by the app.
    const deliverer: Deliverer = createDelivery({
      environment: 'production',
      storage,
      strategies: [s3Redirect({ client: s3.client }), directStream()],
      policy: { rules: [{ name: 'whole files from S3', method: 'GET', range: false, use: 's3Redirect' }], fallback: 'directStream' },
    });
    server = await createPlanServer((req, url) => deliverer.deliver(req, { key: decodeURIComponent(url.pathname.slice(1)) }));
  });
  after(async () => {
    await server?.close();
    await s3?.stop();
  });
  beforeEach(() => {
    events = recordDeliveries();
  });
  afterEach(() => events.stop());

  it('publishes an s3Redirect: location s3, 302 redirect, no stream; the URL gives the bytes', async () => {
    const response = await request(`${server.baseUrl}/docs/small.txt`);
    expect(response.status).to.equal(302);
    const followed = await request(response.headers['location']!);
    expect(followed.status).to.equal(200);
    expect(followed.body.equals(small)).to.equal(true);
    expect(events.names()).to.deep.equal(DELIVERY);
    const planned = events.last('asyncEnd')!;
    expect(planned).to.deep.include({ key: 'docs/small.txt', location: 's3', size: small.length, rule: 'whole files from S3', strategy: 's3Redirect', status: 302, body: 'redirect' });
    expect(planned.reasons).to.deep.equal(['method GET in [GET]', 'no Range header (range: false)']);
  });

  it('publishes the direct stream proxying an object: 206, every byte of the range counted', async () => {
    const response = await request(`${server.baseUrl}/docs/small.txt`, { headers: { Range: 'bytes=4-15' } });
    expect(response.status).to.equal(206);
    expect(response.body.equals(small.subarray(4, 16))).to.equal(true);
    const closed = await events.streamClosed();
    expect(events.names()).to.deep.equal([...DELIVERY, 'stream:open', 'stream:close']);
    expect(closed).to.deep.include({ location: 's3', size: small.length, rule: 'fallback', strategy: 'directStream', status: 206, body: 'stream' });
    expect(closed.stream).to.deep.include({ bytes: 12, length: 12, state: 'finished' });
  });

  it('reports a proxied object the client abandons as aborted, short of its length', async () => {
    const received = await readThenAbandon(`${server.baseUrl}/big.bin`, 256 * 1024, { Range: 'bytes=0-' });
    expect(received.status).to.equal(206);
    const closed = await events.streamClosed();
    expect(closed).to.deep.include({ location: 's3', strategy: 'directStream', status: 206, size: big.length });
    expect(closed.stream!.state).to.equal('aborted');
    expect(closed.stream!.length).to.equal(big.length);
    expect(closed.stream!.bytes).to.be.at.least(received.bytes).and.to.be.below(big.length);
  });
});
