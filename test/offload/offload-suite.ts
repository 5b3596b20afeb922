/**
 * One suite, run through every real web server: a Koa app answers with an offload plan, the
 * server sends the bytes. Full bodies, ranges, 416, If-Range, 304 with the server's own
 * validators, HEAD, Content-Type and Content-Disposition for hard names (in keys and in download
 * names), no delivery header or internal path reaching the client, traversal refused.
 */
import { expect } from 'chai';
import { contentDisposition } from '@sendoff/core/http';
import type { OffloadStrategy, ServerKind } from '@sendoff/core/servers';
import { describeConformance, type ConformanceTarget } from '@sendoff/core/testing';
import { startBackend, type Backend } from '../servers/backend.js';
import { createFixture, HARD_KEYS, type Fixture } from '../servers/fixture.js';
import { fileUrl, get, type RawResponse } from '../servers/http.js';
import { startServer, type StartedServer } from '../servers/start-server.js';
import { describeHostileInput, type HostileTarget } from './hostile-input.js';

export interface OffloadTarget extends HostileTarget {
  /** Keys the strategy cannot express: the app must fall back to directStream for them. */
  fallsBack?(key: string): boolean;
  /** Whether the server's own 416 carries `Content-Range: bytes *\/size`. */
  contentRangeOn416: boolean;
  /** Whether the server answers If-Match with another ETag by 412 (lighttpd ignores If-Match). */
  ifMatch412: boolean;
  /** An app header beyond the ones every server keeps; the test checks it reaches the client. */
  keepHeader?: string;
  /**
   * Run the conformance kit through this server, with the switches for what the server does not
   * do (see its page under docs/); `false` where the kit has no switch for a gap of the server.
   */
  conformance: false | { supports?: ConformanceTarget['supports'] };
  /** Server-specific checks, run with the started stack. */
  extra?(stack: () => Stack): void;
}

export interface Stack {
  fixture: Fixture;
  backend: Backend;
  server: StartedServer;
  strategy: OffloadStrategy;
}

const HARD_NAMES = ['Résumé – naïve.pdf', '100% done #1?.txt', 'quote"and\\backslash.txt', 'plus+sign.txt', 'emoji 🎉 party.txt', 'with spaces.txt'];
const TRAVERSALS = [
  '/files/../outside.txt',
  '/files/%2e%2e/outside.txt',
  '/files/%2E%2E/outside.txt',
  '/files/..%2Foutside.txt',
  '/files/..%2foutside.txt',
  '/files/%2e%2e%2foutside.txt',
  '/files/with%20spaces/..%2F..%2Foutside.txt',
  '/files/..%5Coutside.txt',
  '/files/%252e%252e/outside.txt',
  '/files/root-secret/..%2F..%2Froot-secret%2Fsecret.txt',
  '/files/%2Ftmp%2Foutside.txt',
];
const APP_HEADERS = { 'Cache-Control': 'private, max-age=60', 'X-Request-Id': 'req-42' };
/** The internal URI prefix of the nginx location (also watched for behind the other servers). */
const INTERNAL_PREFIX = '/_protected/';

/** What must never reach a client: the storage root and the internal URI prefix(es). */
export function secretsOf(stack: Stack): string[] {
  const prefix = (stack.strategy as { prefix?: unknown }).prefix;
  return [...new Set([stack.fixture.root, INTERNAL_PREFIX, ...(typeof prefix === 'string' ? [prefix] : [])])];
}

export function describeOffload(target: OffloadTarget): void {
  describe(`offload through ${target.server}`, function () {
    this.timeout(60_000);
    let stack: Stack | undefined;
    const current = (): Stack => stack ?? expect.fail('the stack did not start');
    let fixture: Fixture | undefined;
    let backend: Backend | undefined;
    let server: StartedServer | undefined;

    before(async () => {
      fixture = await createFixture();
      const strategy = target.strategy(fixture.root);
      backend = await startBackend({ root: fixture.root, strategy, headers: APP_HEADERS });
      server = await startServer(target.server, { upstreamPort: backend.port, strategy });
      stack = { fixture, backend, server, strategy };
    });
    after(async () => {
      await server?.stop();
      await backend?.stop();
      await fixture?.remove();
    });

    const fetchFile = async (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> => {
      const response = await get(current().server.url, path, headers, method);
      expectNoLeak(response, current());
      return response;
    };

    for (const key of HARD_KEYS) {
      it(`serves ${JSON.stringify(key)} whole, with its type and name`, async () => {
        const { fixture, backend, strategy } = current();
        const response = await fetchFile(fileUrl(key));
        expect(response.status).to.equal(200);
        expect(response.body.equals(fixture.byKey(key).body)).to.equal(true);
        expect(response.headers['content-length']).to.equal(String(fixture.byKey(key).body.length));
        expect(response.headers['content-type']).to.equal(typeOf(key));
        expect(response.headers['content-disposition']).to.equal(contentDisposition(key.split('/').pop() as string, 'attachment'));
        const expected = target.fallsBack?.(key) ? { rule: 'fallback', strategy: 'directStream' } : { rule: 'offload', strategy: strategy.name };
        expect(backend.decisions.at(-1)).to.deep.equal(expected);
      });
    }

    for (const name of HARD_NAMES) {
      it(`names the download ${JSON.stringify(name)} in Content-Disposition`, async () => {
        const response = await fetchFile(fileUrl('plain.bin', name));
        expect(response.status).to.equal(200);
        expect(response.headers['content-disposition']).to.equal(contentDisposition(name, 'attachment'));
        expect(response.body.equals(current().fixture.byKey('plain.bin').body)).to.equal(true);
      });
    }

    it('keeps the app headers that matter (Cache-Control and one custom header)', async () => {
      const response = await fetchFile(fileUrl('plain.bin'));
      expect(response.headers['cache-control']).to.equal(APP_HEADERS['Cache-Control']);
      if (target.keepHeader) expect(response.headers[target.keepHeader.toLowerCase()]).to.equal('req-42');
    });

    it('answers a single range and a suffix range itself', async () => {
      const body = current().fixture.byKey('plain.bin').body;
      const first = await fetchFile(fileUrl('plain.bin'), { range: 'bytes=10-19' });
      expect(first.status).to.equal(206);
      expect(first.headers['content-range']).to.equal(`bytes 10-19/${body.length}`);
      expect(first.body.equals(body.subarray(10, 20))).to.equal(true);
      const suffix = await fetchFile(fileUrl('Résumé – naïve.pdf'), { range: 'bytes=-7' });
      const pdf = current().fixture.byKey('Résumé – naïve.pdf').body;
      expect(suffix.status).to.equal(206);
      expect(suffix.headers['content-range']).to.equal(`bytes ${pdf.length - 7}-${pdf.length - 1}/${pdf.length}`);
      expect(suffix.body.equals(pdf.subarray(pdf.length - 7))).to.equal(true);
    });

    it('answers an unsatisfiable range with 416', async () => {
      const size = current().fixture.byKey('plain.bin').body.length;
      const response = await fetchFile(fileUrl('plain.bin'), { range: `bytes=${size}-` });
      expect(response.status).to.equal(416);
      if (target.contentRangeOn416) expect(response.headers['content-range']).to.equal(`bytes */${size}`);
      else expect(response.headers['content-range']).to.equal(undefined);
    });

    it('answers If-Range: the current ETag gets the range, a stale one the whole file', async () => {
      const body = current().fixture.byKey('plain.bin').body;
      const etag = (await fetchFile(fileUrl('plain.bin'))).headers.etag as string;
      expect(etag).to.match(/^"[^"]+"$/);
      const fresh = await fetchFile(fileUrl('plain.bin'), { range: 'bytes=0-3', 'if-range': etag });
      expect(fresh.status).to.equal(206);
      expect(fresh.body.equals(body.subarray(0, 4))).to.equal(true);
      const stale = await fetchFile(fileUrl('plain.bin'), { range: 'bytes=0-3', 'if-range': '"stale"' });
      expect(stale.status).to.equal(200);
      expect(stale.body.equals(body)).to.equal(true);
    });

    it('answers 304 to its own ETag and Last-Modified, and 200 to another file\'s', async () => {
      const first = await fetchFile(fileUrl('plain.bin'));
      const etag = first.headers.etag as string;
      const lastModified = first.headers['last-modified'] as string;
      expect(lastModified).to.match(/GMT$/);
      const byTag = await fetchFile(fileUrl('plain.bin'), { 'if-none-match': etag });
      expect(byTag.status).to.equal(304);
      expect(byTag.body.length).to.equal(0);
      const byDate = await fetchFile(fileUrl('plain.bin'), { 'if-modified-since': lastModified });
      expect(byDate.status).to.equal(304);
      const other = await fetchFile(fileUrl('plus+sign.txt'), { 'if-none-match': etag });
      expect(other.status).to.equal(200);
      const zero = await fetchFile(fileUrl('plus+sign.txt'), { 'if-none-match': '"0"' });
      expect(zero.status).to.equal(200);
    });

    it('answers If-Match with another ETag as the server does it (412, or the file where If-Match is ignored)', async () => {
      const response = await fetchFile(fileUrl('plain.bin'), { 'if-match': '"another"' });
      expect(response.status).to.equal(target.ifMatch412 ? 412 : 200);
      if (!target.ifMatch412) expect(response.body.equals(current().fixture.byKey('plain.bin').body)).to.equal(true);
    });

    it('answers HEAD with the length and no body', async () => {
      const response = await fetchFile(fileUrl('plain.bin'), {}, 'HEAD');
      expect(response.status).to.equal(200);
      expect(response.headers['content-length']).to.equal(String(current().fixture.byKey('plain.bin').body.length));
      expect(response.body.length).to.equal(0);
      expect(response.headers['content-type']).to.equal('application/octet-stream');
    });

    it('answers a missing file with 404 and nothing of the internal path', async () => {
      const response = await fetchFile(fileUrl('missing/nothing.txt'));
      expect(response.status).to.equal(404);
    });

    for (const path of TRAVERSALS) {
      it(`refuses the traversal ${path} with a 4xx`, async () => {
        const response = await fetchFile(path);
        expect(response.status).to.be.within(400, 499);
        expect(response.body.toString('latin1')).to.not.include('outside the root');
      });
    }

    it('ignores delivery headers a client sends', async () => {
      const response = await fetchFile('/nothing-here', { 'x-accel-redirect': '/_protected/plain.bin', 'x-sendfile': `${current().fixture.root}/plain.bin` });
      expect(response.status).to.equal(404);
      expect(response.body.equals(current().fixture.byKey('plain.bin').body)).to.equal(false);
    });

    describeHostileInput(target);

    if (target.conformance) describeConformance(conformanceTarget(target, current, target.conformance.supports));

    target.extra?.(current);
  });
}

/** The conformance kit's view of the stack: every hard key, through the real server. */
function conformanceTarget(target: OffloadTarget, current: () => Stack, supports: ConformanceTarget['supports']): ConformanceTarget {
  return {
    name: `${target.server} in front of the app`,
    baseUrl: () => current().server.url,
    files: () => current().fixture.files.map((file) => ({
      urlPath: fileUrl(file.key),
      bytes: file.body,
      filename: file.key.split('/').pop() as string,
      contentType: typeOf(file.key),
      disposition: 'attachment' as const,
    })),
    missingPath: () => fileUrl('missing/nothing.txt'),
    badKeyPaths: () => TRAVERSALS,
    forbiddenHeaders: ['x-accel-redirect', 'x-sendfile', 'x-accel-limit-rate', 'x-accel-buffering', 'x-accel-charset', 'x-lighttpd-kbytes-per-second'],
    secrets: () => secretsOf(current()),
    supports,
  };
}

/** No delivery header, no server-side path or internal URI in any header or error body. */
export function expectNoLeak(response: RawResponse, stack: Stack): void {
  const names = Object.keys(response.headers);
  expect(names.filter((name) => /^(x-accel-|x-sendfile|x-lighttpd-)/.test(name)), 'delivery headers').to.deep.equal([]);
  for (const secret of secretsOf(stack)) {
    for (const [name, value] of Object.entries(response.headers)) expect(value, name).to.not.include(secret);
    if (response.status >= 400) expect(response.body.toString('latin1')).to.not.include(secret);
  }
}

function typeOf(key: string): string {
  if (key.endsWith('.pdf')) return 'application/pdf';
  if (key.endsWith('.txt')) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}
