/**
 * The shared conformance kit against directStream through the Koa adapter: a Deliverer over a
 * LocalStorage in a temp dir, a Koa app calling `deliver()`, real HTTP on 127.0.0.1.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { createDelivery, directStream, LocalStorage, SendoffError, type Deliverer, type Disposition } from '@sendoff/core';
import { describeConformance, type ConformanceFile } from '@sendoff/core/testing';
import { deliver, sendoff } from '../src/index.js';
import { listen, type Listening } from '@sendoff-tools/test-kit';

interface Fixture {
  id: string;
  key: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
  disposition: Disposition;
}

const FIXTURES: Fixture[] = [
  { id: 'report', key: 'docs/report.txt', bytes: Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(40)), filename: 'report.txt', contentType: 'text/plain; charset=utf-8', disposition: 'inline' },
  { id: 'resume', key: 'u/alice/0001', bytes: Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 13) % 256)), filename: 'Résumé – naïve.pdf', contentType: 'application/pdf', disposition: 'attachment' },
  { id: 'odd', key: 'u/alice/0002', bytes: Buffer.from('tiny but odd'), filename: 'quote"and\\back/slash 100% #1?.txt', contentType: 'text/plain', disposition: 'attachment' },
  { id: 'emoji', key: 'u/alice/0003', bytes: Buffer.from('🎉'.repeat(40)), filename: '🎉 party.txt', contentType: 'text/plain; charset=utf-8', disposition: 'inline' },
];

const BAD_KEY_PATHS = [
  '/raw/../../etc/passwd',
  '/raw/..%2F..%2Fetc%2Fpasswd',
  '/raw/%2e%2e/%2e%2e/etc/passwd',
  '/raw/%252e%252e%252fetc%252fpasswd',
  '/raw/%2Fetc%2Fpasswd',
  '/raw/docs%5C..%5C..%5Cwin.ini',
  '/raw/a%00b.txt',
  '/raw/a%0d%0aX-Accel-Redirect:%20/secret',
  '/raw/%E0%A4%A',
  '/raw/docs//report.txt',
  '/raw/docs/%EF%BC%8E%EF%BC%8E/report.txt',
  `/raw/${'a'.repeat(2000)}`,
  '/raw/',
];

/** A key taken from the URL as is: the Deliverer must refuse every hostile one with a 4xx. */
function rawKeyOf(ctx: Koa.Context): { key: string } | undefined {
  if (!ctx.path.startsWith('/raw/')) return undefined;
  try {
    return { key: decodeURIComponent(ctx.path.slice('/raw/'.length)) };
  } catch (error) {
    throw new SendoffError('BAD_REQUEST', 'malformed path', { cause: error });
  }
}

describe('@sendoff/koa with directStream', () => {
  let root: string;
  let deliverer: Deliverer;
  let running: Listening | undefined;

  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-koa-'));
    for (const fixture of FIXTURES) {
      await fsp.mkdir(path.dirname(path.join(root, fixture.key)), { recursive: true });
      await fsp.writeFile(path.join(root, fixture.key), fixture.bytes);
    }
    deliverer = createDelivery({
      environment: 'test',
      storage: new LocalStorage({ root }),
      strategies: [directStream()],
      policy: { rules: [], fallback: 'directStream' },
    });
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx, next) => {
      const fixture = FIXTURES.find((f) => ctx.path === `/files/${f.id}`);
      if (fixture === undefined) return next();
      const { key, filename, contentType, disposition } = fixture;
      await deliver(ctx, deliverer, { key, filename, contentType, disposition });
    });
    app.use(sendoff(deliverer, rawKeyOf));
    running = await listen(app.callback());
  });

  after(async () => {
    await running?.close();
    await fsp.rm(root, { recursive: true, force: true });
  });

  describeConformance({
    name: 'directStream + LocalStorage through the Koa adapter',
    baseUrl: () => running!.url,
    files: () =>
      FIXTURES.map(({ id, bytes, filename, contentType, disposition }): ConformanceFile => ({
        urlPath: `/files/${id}`,
        bytes,
        filename,
        contentType,
        disposition,
      })),
    missingPath: () => '/raw/docs/missing.txt',
    badKeyPaths: () => BAD_KEY_PATHS,
    forbiddenHeaders: ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file', 'x-sendfile2'],
    secrets: () => [root],
  });
});
