// @sendoff-tools/test-kit: what the repository's tests and benchmarks share. Private, never published.
export { request } from './http-request.js';
export type { HttpResponse, RawResponse, RequestOptions } from './http-request.js';
export { listen } from './listen.js';
export type { Listening } from './listen.js';
export { runProcess, runOrFail } from './run-process.js';
export type { ProcessResult, RunOptions } from './run-process.js';
export { startChildServer, spawnScript, portFrom, hasExited, stopChild, repoRoot } from './child-server.js';
export type { ChildServer, StartOptions, SpawnScriptOptions } from './child-server.js';
export { waitForAnnouncement } from './wait-for-announcement.js';
export type { Announcement } from './wait-for-announcement.js';
export { startLocalS3, unreachableS3Client, S3RVER_CREDENTIALS, REGION } from './local-s3.js';
export type { LocalS3 } from './local-s3.js';
export { failureOf } from './failure-of.js';
export { recordDeliveries } from './delivery-events.js';
export type { DeliveryEvents, DeliveryEvent, DeliveryEventName, MessageSnapshot } from './delivery-events.js';
export { readThenAbandon } from './abandon.js';
export type { Abandoned } from './abandon.js';
