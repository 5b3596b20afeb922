/// <reference path="./s3rver.d.ts" />
/**
 * A local S3 API server (s3rver) for development and tests: listens on 127.0.0.1 (port 0 picks a
 * free one), keeps its objects in `directory`, creates the buckets. Not for production: s3rver
 * does not verify signatures. Needs the optional peer dependency `s3rver`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../create-s3-client.js';

export interface LocalS3ServerOptions {
  /** Where objects are kept (created if missing). */
  directory: string;
  buckets: string[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
}

export interface LocalS3Server {
  /** `http://host:port`. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** A client for this server (path-style, checksums only when required). */
  createClient(): S3Client;
  stop(): Promise<void>;
}

/** s3rver accepts any key pair; these are the ones its documentation uses. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

export async function startLocalS3Server(options: LocalS3ServerOptions): Promise<LocalS3Server> {
  const { default: S3rver } = await import('s3rver');
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    endpoint,
    region: REGION,
    credentials: { ...CREDENTIALS },
    createClient: () => createS3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: { ...CREDENTIALS } }),
    stop: () => server.close(),
  };
}
