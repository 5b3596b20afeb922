/**
 * The S3 servers the S3 suites run against, one after the other: s3rver (in-process, fast, but a
 * fake: no SigV4 check, wrong answers to some ranges) and Ceph's radosgw (a real implementation:
 * it verifies signatures and expiry and answers Range as AWS does). A suite loops over
 * `S3_TARGETS` and asks each for a fresh bucket.
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@sendoff/s3';
import { startLocalS3, type LocalS3 } from './local-s3.js';
import { RADOSGW_START_TIMEOUT_MS } from './radosgw.js';
import { sharedRadosgw } from './shared-radosgw.js';

export type S3TargetName = 's3rver' | 'radosgw';

export interface S3Target {
  name: S3TargetName;
  /** Whether the server itself refuses a presigned URL whose signature does not match. */
  verifiesSignatures: boolean;
  /** Whether `bytes=0-0`, suffix ranges and unsatisfiable ranges get AWS's answers. */
  answersRangesAsAws: boolean;
  /** How long `start` may take, in ms (for a `before` hook's time-out): radosgw's first start builds a cluster. */
  startTimeoutMs: number;
  /** A new, empty bucket named after `bucket`, with a client of its own; `stop()` releases both. */
  start(bucket?: string): Promise<LocalS3>;
}

const DEFAULT_BUCKET = 'sendoff-test';

export const S3RVER: S3Target = {
  name: 's3rver',
  verifiesSignatures: false,
  answersRangesAsAws: false,
  startTimeoutMs: 30_000,
  start: (bucket = DEFAULT_BUCKET) => startLocalS3(bucket),
};

export const RADOSGW: S3Target = {
  name: 'radosgw',
  verifiesSignatures: true,
  answersRangesAsAws: true,
  startTimeoutMs: RADOSGW_START_TIMEOUT_MS + 10_000,
  start: (bucket = DEFAULT_BUCKET) => startRadosgwBucket(bucket),
};

/**
 * Every S3 server, or those `SENDOFF_S3_TARGETS` names (`s3rver` for the fast loop). Under
 * `CI=true` the variable may not leave one out: there a missing radosgw is a failure, not a skip.
 */
export const S3_TARGETS: readonly S3Target[] = s3TargetsFrom(process.env);

/** The S3 servers an environment asks for (see `S3_TARGETS`). */
export function s3TargetsFrom(env: NodeJS.ProcessEnv): readonly S3Target[] {
  const all = [S3RVER, RADOSGW];
  const wanted = env['SENDOFF_S3_TARGETS']?.split(',').map((name) => name.trim()).filter(Boolean);
  if (wanted === undefined || wanted.length === 0) return all;
  const unknown = wanted.filter((name) => !all.some((target) => target.name === name));
  if (unknown.length > 0) throw new Error(`SENDOFF_S3_TARGETS names unknown S3 servers: ${unknown.join(', ')} (known: ${all.map((t) => t.name).join(', ')})`);
  const chosen = all.filter((target) => wanted.includes(target.name));
  if (env['CI'] === 'true' && chosen.length < all.length) throw new Error('SENDOFF_S3_TARGETS may not leave an S3 server out under CI=true');
  return chosen;
}

let buckets = 0;

/** A bucket of its own on the process's shared cluster (named `<bucket>-<n>`: suites never share one). */
async function startRadosgwBucket(name: string): Promise<LocalS3> {
  const cluster = await sharedRadosgw();
  const bucket = `${name.slice(0, 55)}-${++buckets}`;
  const credentials = { accessKeyId: cluster.accessKeyId, secretAccessKey: cluster.secretAccessKey };
  const client = createS3Client({ endpoint: cluster.endpoint, region: cluster.region, forcePathStyle: true, credentials });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    client.destroy();
    throw error;
  }
  return {
    endpoint: cluster.endpoint,
    region: cluster.region,
    credentials,
    bucket,
    client,
    async stop() {
      client.destroy();
    },
  };
}
