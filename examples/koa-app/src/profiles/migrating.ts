/**
 * Migrating: the window while `sendoff migrate` copies the local files to S3. Reads go through
 * `FallbackStorage([bucket, local disk])`, so every file is served wherever it is right now, and
 * the policy picks the strategy by where the file was found:
 *
 * - in the bucket → s3Redirect (a presigned URL);
 * - on local disk (DATA_DIR/files) → the local delivery MIGRATING_LOCAL_DELIVERY names:
 *   `nginx`, `apache`, `lighttpd` or `caddy` (that web server runs in front of the app, exactly as
 *   in its own profile), or `direct` (the default: streamed by Node, as in the `dev` profile).
 *
 * Uploads go to the bucket (the FallbackStorage's first storage): a new file never has to be
 * copied, and after the cut-over to the `s3` profile it is already where it belongs. With a web
 * server in front, its start-up check uses a probe file on local disk (see LOCAL_PROBE_KEY).
 *
 * The bucket settings are the `s3` profile's (see s3-bucket.ts).
 */
import { FallbackStorage, RESERVED_KEY_PREFIX } from '@sendoff/core';
import { dev } from './dev.js';
import type { Profile, ProfileContext, ProfileDeployment } from './profile.js';
import { openS3Bucket, type S3Bucket } from './s3-bucket.js';
import { webServerProfiles } from './web-servers.js';

/** The MIGRATING_LOCAL_DELIVERY value that streams local files through Node. */
const DIRECT_LOCAL_DELIVERY = 'direct';

/**
 * With a web server in front, the probe file it is checked with goes to local disk, under a key
 * no start ever writes to the bucket (reads try the bucket first, and the `s3` profile and
 * `migrating` with direct delivery store `_sendoff/probe.bin` there): so it is served by the web
 * server, whatever the bucket holds.
 */
const LOCAL_PROBE_KEY = `${RESERVED_KEY_PREFIX}local-probe.bin`;

export const migrating: Profile = {
  name: 'migrating',
  description:
    'during a copy to S3: reads from S3 first, then local files; S3 files by presigned redirect, local ones by MIGRATING_LOCAL_DELIVERY (direct, nginx, apache, lighttpd, caddy); uploads to S3',
  async createDelivery(ctx) {
    // The local half first: it fails fast (e.g. a missing web server binary) before S3 starts anything.
    const local = await localProfileFor(ctx.env).createDelivery(ctx);
    const bucket = await openS3Bucket(ctx);
    return withBucketFirst(bucket, local);
  },
};

/** The profile whose deployment serves the local files. */
function localProfileFor(env: ProfileContext['env']): Profile {
  const wanted = env['MIGRATING_LOCAL_DELIVERY'];
  if (wanted === undefined || wanted === '' || wanted === DIRECT_LOCAL_DELIVERY) return dev;
  const server = Object.hasOwn(webServerProfiles, wanted) ? webServerProfiles[wanted] : undefined;
  if (server === undefined) {
    const known = [DIRECT_LOCAL_DELIVERY, ...Object.keys(webServerProfiles)].join(', ');
    throw new Error(`unknown MIGRATING_LOCAL_DELIVERY "${wanted}"; known: ${known}`);
  }
  return server;
}

/**
 * The local deployment with the bucket put in front: reads try the bucket first, S3 files are
 * redirected, everything else keeps the local deployment's rules, fallback and front server.
 */
function withBucketFirst(bucket: S3Bucket, local: ProfileDeployment): ProfileDeployment {
  const { config } = local;
  const close = closeBoth(bucket, local);
  return {
    config: {
      environment: 'production',
      storage: new FallbackStorage([bucket.storage, config.storage]),
      strategies: [bucket.redirect, ...config.strategies],
      policy: {
        rules: [{ name: 'redirect to S3', use: bucket.redirect.name, location: 's3' }, ...config.policy.rules],
        fallback: config.policy.fallback,
      },
    },
    notes: [...(local.notes ?? []), ...bucket.notes],
    ...(local.front ? { front: local.front, probe: { storage: config.storage, key: LOCAL_PROBE_KEY } } : {}),
    ...(close ? { close } : {}),
  };
}

function closeBoth(bucket: S3Bucket, local: ProfileDeployment): (() => Promise<void>) | undefined {
  if (!bucket.close && !local.close) return undefined;
  return async () => {
    try {
      await local.close?.();
    } finally {
      await bucket.close?.();
    }
  };
}
