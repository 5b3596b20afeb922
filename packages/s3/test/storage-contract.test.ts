/**
 * The storage contract (`describeStorage` of @sendoff/core/testing) against S3Storage on a local
 * S3 API server (s3rver), under a key prefix.
 */
import { describeStorage } from '@sendoff/core/testing';
import { S3Storage } from '../src/s3-storage.js';
import { startLocalS3, type LocalS3 } from '@sendoff-tools/test-kit';

let s3: LocalS3 | undefined;

describeStorage({
  name: 'S3Storage on s3rver',
  async start() {
    s3 = await startLocalS3();
    return new S3Storage({ client: s3.client, bucket: s3.bucket, prefix: 'contract' });
  },
  stop: async () => s3?.stop(),
});
