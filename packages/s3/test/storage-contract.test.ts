/**
 * The storage contract (`describeStorage` of @sendoff/core/testing) against S3Storage under a key
 * prefix, on each S3 server of the test kit (s3rver, then radosgw).
 */
import { describeStorage } from '@sendoff/core/testing';
import { S3Storage } from '../src/s3-storage.js';
import { S3_TARGETS, type LocalS3 } from '@sendoff-tools/test-kit';

for (const target of S3_TARGETS) {
  let s3: LocalS3 | undefined;

  describeStorage({
    name: `S3Storage on ${target.name}`,
    startTimeoutMs: target.startTimeoutMs,
    async start() {
      s3 = await target.start();
      return new S3Storage({ client: s3.client, bucket: s3.bucket, prefix: 'contract' });
    },
    stop: async () => s3?.stop(),
  });
}
