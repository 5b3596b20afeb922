/**
 * S3: files in a bucket, delivered by redirecting the browser to a presigned URL (s3Redirect),
 * or streamed through the app (directStream, "proxy mode") with S3_DELIVERY=proxy.
 *
 * The bucket and its settings (S3_ENDPOINT, S3_BUCKET, S3_REGION, S3_FORCE_PATH_STYLE, S3_PREFIX,
 * S3_PUBLIC_BASE_URL, S3_EXPIRES_IN, S3_SIGNING_WINDOW, AWS_* credentials; a local s3rver when
 * neither S3_ENDPOINT nor S3_BUCKET is set) are read by `openS3Bucket` (s3-bucket.ts).
 */
import { directStream } from '@sendoff/core';
import type { Profile } from './profile.js';
import { openS3Bucket } from './s3-bucket.js';

export const s3: Profile = {
  name: 's3',
  description: 'files in S3 (a local s3rver unless S3_ENDPOINT/S3_BUCKET say otherwise), presigned redirects (s3Redirect)',
  async createDelivery(ctx) {
    const { storage, redirect, close, notes } = await openS3Bucket(ctx);
    const proxy = directStream();
    const rules = ctx.env['S3_DELIVERY'] === 'proxy' ? [] : [{ name: 'redirect to S3', use: redirect.name, location: 's3' as const }];
    return {
      config: {
        environment: 'production',
        storage,
        strategies: [redirect, proxy],
        policy: { rules, fallback: proxy.name },
      },
      notes,
      ...(close ? { close } : {}),
    };
  },
};
