/**
 * directStream from S3Storage when the object the plan was made for is not what the GET returns:
 * here it is rewritten shorter between the HeadObject and the GetObject, so s3rver answers a
 * clean 200 whose Content-Length is the new, smaller size (as it does for an object it is still
 * writing). The app's answer already promised the old size: the client must see the transfer fail.
 * (A range the shorter object no longer holds fails in S3Storage itself, see exact-range.ts.)
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { directStream, validateKey, type Key, type OpenOptions } from '@sendoff/core';
import { createPlanServer, expectConnectionToCloseShort, expectFetchToFail, type CutShortCheck, type PlanServer } from '@sendoff/core/testing';
import { S3Storage } from '../src/s3-storage.js';
import { downloadOptions, resolveFile } from './resolved-file.js';
import { startLocalS3, type LocalS3 } from '@sendoff-tools/test-kit';

const BYTES = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 29 + 11) % 256));
const SHORTER = BYTES.subarray(0, 120_000);
const KEY = validateKey('reports/cut.bin');

/** An S3Storage whose object is rewritten shorter right before each GET. */
class RewrittenStorage extends S3Storage {
  override async open(key: Key, options?: OpenOptions): Promise<Readable> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKeyFor(key), Body: SHORTER }));
    return super.open(key, options);
  }
}

describe('directStream over S3Storage: an object shorter than its stat fails the transfer', () => {
  let s3: LocalS3;
  let storage: RewrittenStorage;
  let server: PlanServer;

  before(async function () {
    this.timeout(30_000);
    s3 = await startLocalS3();
    storage = new RewrittenStorage({ client: s3.client, bucket: s3.bucket });
    const strategy = directStream();
    server = await createPlanServer(async (request) => strategy.plan(request, await resolveFile(storage, KEY), downloadOptions({ filename: 'cut.bin' })));
  });
  after(async () => {
    await server?.close();
    await s3?.stop();
  });

  it('the whole object: 200 with the old length, then the transfer fails (each client view from the whole object)', async () => {
    const check: CutShortCheck = { status: 200, expected: BYTES };
    for (const client of [expectConnectionToCloseShort, expectFetchToFail]) {
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: KEY, Body: BYTES }));
      await client(`${server.baseUrl}/cut.bin`, check);
    }
  });
});
