/**
 * The shared conformance kit over S3 proxy mode: directStream reading through S3Storage from a
 * local S3 API server (s3rver), behind core's plan server. GET /files/<percent-encoded key>.
 *
 * s3rver answers some Range requests wrongly (bytes=0-0, suffix and multi-range); S3Storage asks
 * for explicit ranges and trims what comes back, so every Range check of the kit runs here.
 */
import { SendoffError, directStream, notFound, validateKey, type Key } from '@sendoff/core';
import { createPlanServer, describeConformance, type ConformanceFile, type PlanServer } from '@sendoff/core/testing';
import { S3Storage } from '../src/s3-storage.js';
import { resolveFile } from './resolved-file.js';
import { startLocalS3, type LocalS3 } from '@sendoff-tools/test-kit';

const BUCKET = 'sendoff-conformance-bucket';
const PREFIX = 'private-tenant-area-7f3a/';

interface StoredFile {
  key: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
  disposition?: 'inline' | 'attachment';
}

/** Object keys with the characters S3 clients most often get wrong (%, #, ?, +, quotes, emoji). */
const FILES: StoredFile[] = [
  { key: 'docs/report.txt', bytes: Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(20)), filename: 'report.txt', contentType: 'text/plain; charset=utf-8', disposition: 'inline' },
  { key: 'cv/Résumé – naïve.pdf', bytes: Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)), filename: 'Résumé – naïve.pdf', contentType: 'application/pdf', disposition: 'attachment' },
  { key: 'odd/100% done #1?.txt', bytes: Buffer.from('one hundred percent, hash and question mark'), filename: '100% done #1?.txt', contentType: 'text/plain' },
  // A key cannot hold a backslash; the download name can.
  { key: 'odd/quote"and-backslash.txt', bytes: Buffer.from('a quote " and a backslash \\ inside'), filename: 'quote"and\\backslash.txt', contentType: 'text/plain' },
  { key: 'odd/plus+sign.txt', bytes: Buffer.from('a plus is not a space in an object key'), filename: 'plus+sign.txt', contentType: 'text/plain', disposition: 'attachment' },
  { key: 'fun/🎉 party 🦄.bin', bytes: Buffer.from(Array.from({ length: 97 }, (_, i) => 255 - i)), filename: '🎉 party 🦄.bin', contentType: 'application/octet-stream' },
];

/** Url paths a client could send to escape the prefix or confuse the key check. */
const HOSTILE_PATHS = [
  '/files/../../etc/passwd',
  '/files/..%2F..%2Fetc%2Fpasswd',
  '/files/%2e%2e/%2e%2e/etc/passwd',
  '/files/docs%2F..%2F..%2Fprivate.txt',
  '/files/%252e%252e%252fetc%252fpasswd',
  '/files/%2Fetc%2Fpasswd',
  '/files/docs%5C..%5C..%5Cwin.ini',
  '/files/a%00b.txt',
  '/files/a%0d%0aX-Amz-Meta-Leak:%20yes',
  '/files/%E0%A4%A',
  '/files/docs//report.txt',
  `/files/${'a'.repeat(2000)}`,
  '/files/',
];

/** Response headers of S3 that say where or how the object is stored: none may reach the client. */
const S3_HEADERS = [
  'x-amz-request-id',
  'x-amz-id-2',
  'x-amz-version-id',
  'x-amz-server-side-encryption',
  'x-amz-storage-class',
  'x-amz-expiration',
  'x-amz-restore',
  'x-amz-website-redirect-location',
  'x-amz-meta-sendoff-key',
];

describe('S3 proxy mode (directStream + S3Storage on s3rver)', () => {
  let s3: LocalS3;
  let server: PlanServer;

  before(async function () {
    this.timeout(30_000);
    s3 = await startLocalS3(BUCKET);
    const storage = new S3Storage({ client: s3.client, bucket: s3.bucket, prefix: PREFIX });
    for (const file of FILES) await storage.put(validateKey(file.key), file.bytes, { contentType: file.contentType });
    const strategy = directStream();
    const byKey = new Map(FILES.map((file) => [file.key.normalize('NFC'), file]));
    server = await createPlanServer(async (request, url) => {
      const key = keyOf(url.pathname);
      const meta = byKey.get(key);
      const resolved = await resolveFile(storage, key);
      return strategy.plan(request, resolved, {
        filename: meta?.filename ?? key.split('/').at(-1) ?? 'download',
        disposition: meta?.disposition ?? 'attachment',
        contentType: meta?.contentType ?? resolved.stat.contentType ?? 'application/octet-stream',
        headers: {},
      });
    });
  });
  after(async () => {
    await server?.close();
    await s3?.stop();
  });

  describeConformance({
    name: 'directStream + S3Storage (proxy mode) over node:http',
    baseUrl: () => server.baseUrl,
    files: () => FILES.map((file): ConformanceFile => ({ ...file, urlPath: urlPathOf(file.key) })),
    missingPath: () => urlPathOf('docs/missing.txt'),
    badKeyPaths: () => HOSTILE_PATHS,
    forbiddenHeaders: [...S3_HEADERS, 'x-accel-redirect', 'x-sendfile'],
    secrets: () => [s3.bucket, s3.endpoint, new URL(s3.endpoint).host, PREFIX, PREFIX.slice(0, -1)],
  });
});

function urlPathOf(key: string): string {
  return `/files/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** The key of `/files/<key>`: bad percent-encoding is a 400, anything else a 404. */
function keyOf(pathname: string): Key {
  if (!pathname.startsWith('/files/')) throw notFound();
  let raw: string;
  try {
    raw = decodeURIComponent(pathname.slice('/files/'.length));
  } catch (error) {
    throw new SendoffError('BAD_REQUEST', 'malformed percent-encoding', { cause: error });
  }
  return validateKey(raw);
}
