/**
 * Whether an error of the store dooms every other copy too (no credentials, the bucket is gone,
 * access refused): the run then stops instead of failing each file in turn.
 */
import { s3FailureKind } from '@sendoff/s3';

export function isFatal(error: unknown): boolean {
  return s3FailureKind(error) !== 'other';
}
