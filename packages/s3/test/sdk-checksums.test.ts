/**
 * Why `createS3Client` sets checksums to `WHEN_REQUIRED` for a custom endpoint. A streamed PutObject
 * with the SDK's default (`WHEN_SUPPORTED`) is sent `aws-chunked` with a trailing checksum: s3rver
 * 3.7.1 stores the chunk framing as the object's content, radosgw 16.2 refuses the upload (411
 * MissingContentLength). With `createS3Client`'s setting both store exactly the bytes sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { createS3Client } from '../src/create-s3-client.js';
import { S3_TARGETS, type LocalS3, type S3TargetName } from '@sendoff-tools/test-kit';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const BYTES = randomBytes(100_000);
const FIRST_CHUNK = 40_000;

/** PutObject of BYTES as a stream of two chunks, of known length. */
function putStreamed(client: S3Client, s3: LocalS3, key: string) {
  const body = Readable.from([BYTES.subarray(0, FIRST_CHUNK), BYTES.subarray(FIRST_CHUNK)]);
  return client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentLength: BYTES.length }));
}

async function storedBytes(s3: LocalS3, key: string): Promise<Buffer> {
  const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

/** What each server does with an aws-chunked upload. */
const WITH_SDK_DEFAULT: Record<S3TargetName, { title: string; check(s3: LocalS3, upload: Promise<unknown>): Promise<void> }> = {
  s3rver: {
    title: 'is stored with its chunk framing as content',
    async check(s3, upload) {
      await upload;
      const stored = await storedBytes(s3, 'sdk-default.bin');
      expect(stored.length).to.be.above(BYTES.length);
      const header = `${FIRST_CHUNK.toString(16)}\r\n`;
      expect(stored.subarray(0, header.length).toString('latin1')).to.equal(header);
      expect(stored.subarray(header.length, header.length + FIRST_CHUNK)).to.deep.equal(BYTES.subarray(0, FIRST_CHUNK));
    },
  },
  radosgw: {
    title: 'is refused with 411 MissingContentLength, nothing stored',
    async check(s3, upload) {
      const error = (await upload.then(() => undefined, (failure: unknown) => failure)) as { name?: string; $metadata?: { httpStatusCode?: number } };
      expect(error?.name).to.equal('MissingContentLength');
      expect(error?.$metadata?.httpStatusCode).to.equal(411);
      const missing = await storedBytes(s3, 'sdk-default.bin').then(() => undefined, (failure: unknown) => failure);
      expect((missing as { name?: string })?.name).to.equal('NoSuchKey');
    },
  },
};

for (const target of S3_TARGETS) {
  describe(`a streamed PutObject on ${target.name}`, () => {
    let s3: LocalS3;

    before(async function () {
      this.timeout(target.startTimeoutMs);
      s3 = await target.start();
    });
    after(async () => s3.stop());

    it('with createS3Client\'s checksums (WHEN_REQUIRED for a custom endpoint): stores exactly the bytes sent', async () => {
      await putStreamed(s3.client, s3, 'when-required.bin');
      expect(sha256(await storedBytes(s3, 'when-required.bin'))).to.equal(sha256(BYTES));
    });

    it(`with the SDK's default checksums (aws-chunked, a trailing checksum): ${WITH_SDK_DEFAULT[target.name].title}`, async () => {
      const client = createS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3.credentials, checksums: 'WHEN_SUPPORTED', maxAttempts: 1 });
      try {
        await WITH_SDK_DEFAULT[target.name].check(s3, putStreamed(client, s3, 'sdk-default.bin'));
      } finally {
        client.destroy();
      }
    });
  });
}
