/**
 * CloudFront through the Koa adapter: a Koa app whose Deliverer plans cloudFrontSigned redirects
 * for files in S3 (s3rver), and sets cloudFrontCookies on a gallery page; the test kit's verifying
 * CloudFront stand-in serves the bucket. A plain HTTP client follows each 302 and must get the
 * bytes, type, length and name; HEAD, Range, missing and hostile keys, other methods, and the
 * cookies on many files (and only those files) are checked the same way.
 */
import { expect } from 'chai';
import Koa from 'koa';
import contentDispositionParser from 'content-disposition';
import { SendoffError, createDelivery, validateKey, type Deliverer, type Disposition } from '@sendoff/core';
import { contentDisposition, sanitizeFilename } from '@sendoff/core/http';
import type { ConformanceFile } from '@sendoff/core/testing';
import { deliver, sendoff } from '@sendoff/koa';
import { S3Storage, cloudFrontCookies, cloudFrontSigned } from '@sendoff/s3';
import {
  createTestKeyPair,
  listen,
  request,
  startCloudFrontEdge,
  startLocalS3,
  type CloudFrontEdge,
  type HttpResponse,
  type Listening,
  type LocalS3,
  type TestKeyPair,
} from '@sendoff-tools/test-kit';

const PREFIX = 'site-9/';

/** A file of the bucket and the download options the app serves it with at `/files/<id>`. */
type Fixture = Omit<ConformanceFile, 'urlPath'> & { id: string; key: string; disposition: Disposition };

const FIXTURES: Fixture[] = [
  { id: 'report', key: 'docs/report.txt', bytes: Buffer.from('The quick brown fox jumps over the lazy dog.\n'.repeat(20)), filename: 'report.txt', contentType: 'text/plain; charset=utf-8', disposition: 'inline' },
  { id: 'resume', key: 'cv/Résumé – naïve.pdf', bytes: Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)), filename: 'Résumé – naïve.pdf', contentType: 'application/pdf', disposition: 'attachment' },
  { id: 'odd', key: 'odd/100% done #1?.txt', bytes: Buffer.from('one hundred percent, hash and question mark'), filename: 'quote"and\\back/slash 100% #1?.txt', contentType: 'text/plain', disposition: 'attachment' },
  { id: 'spaces', key: 'odd/two  spaces + plus.bin', bytes: Buffer.from(Array.from({ length: 97 }, (_, i) => 255 - i)), filename: 'two  spaces + plus.bin', contentType: 'application/octet-stream', disposition: 'attachment' },
  { id: 'newline', key: 'odd/newline.txt', bytes: Buffer.from('a name with a line break'), filename: 'evil\r\nSet-Cookie: stolen=1.txt', contentType: 'text/plain', disposition: 'attachment' },
];

const GALLERY: Record<string, Buffer> = {
  'u/123/1.png': Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 1)]),
  'u/123/2 été.png': Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 2)]),
  'u/456/1.png': Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 9)]),
};

const BAD_KEY_PATHS = [
  '/raw/../../etc/passwd',
  '/raw/..%2F..%2Fetc%2Fpasswd',
  '/raw/%2e%2e/%2e%2e/etc/passwd',
  '/raw/%2Fetc%2Fpasswd',
  '/raw/docs%5C..%5C..%5Cwin.ini',
  '/raw/a%00b.txt',
  '/raw/a%0d%0aLocation:%20https://evil.example/',
  '/raw/%E0%A4%A',
  '/raw/docs//report.txt',
  `/raw/${'a'.repeat(2000)}`,
];

function encodedPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

describe('cloudFrontSigned and cloudFrontCookies through the Koa adapter', () => {
  let s3: LocalS3;
  let keys: TestKeyPair;
  let edge: CloudFrontEdge;
  let app: Listening;
  let deliverer: Deliverer;

  before(async function () {
    this.timeout(30_000);
    s3 = await startLocalS3();
    keys = await createTestKeyPair();
    edge = await startCloudFrontEdge({ client: s3.client, bucket: s3.bucket, publicKeys: { [keys.keyPairId]: keys.publicKey } });
    const storage = new S3Storage({ client: s3.client, bucket: s3.bucket, prefix: PREFIX });
    for (const fixture of FIXTURES) await storage.put(validateKey(fixture.key), fixture.bytes, { contentType: 'application/octet-stream' });
    for (const [key, bytes] of Object.entries(GALLERY)) await storage.put(validateKey(key), bytes, { contentType: 'image/png' });
    const signer = { keyPairId: keys.keyPairId, privateKey: keys.privateKey };
    deliverer = createDelivery({
      environment: 'test',
      storage,
      strategies: [cloudFrontSigned({ distributionUrl: edge.url, ...signer, bucket: s3.bucket, signingBucketSeconds: 60 })],
      policy: { rules: [], fallback: 'cloudFrontSigned' },
    });
    const koa = new Koa();
    koa.silent = true;
    koa.use(async (ctx, next) => {
      const user = /^\/gallery\/(\d+)$/.exec(ctx.path)?.[1];
      if (user === undefined) return next();
      const granted = cloudFrontCookies({ ...signer, resource: `${edge.url}/${PREFIX}u/${user}/*` });
      ctx.append('Set-Cookie', granted.setCookie);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = Object.keys(GALLERY).filter((key) => key.startsWith(`u/${user}/`)).map((key) => `<img src="${edge.url}/${PREFIX}${encodedPath(key)}">`).join('\n');
    });
    koa.use(async (ctx, next) => {
      const fixture = FIXTURES.find((f) => ctx.path === `/files/${f.id}`);
      if (fixture === undefined) return next();
      const { key, filename, contentType, disposition } = fixture;
      await deliver(ctx, deliverer, { key, filename, contentType, disposition });
    });
    koa.use(
      sendoff(deliverer, (ctx) => {
        if (!ctx.path.startsWith('/raw/')) return undefined;
        try {
          return { key: decodeURIComponent(ctx.path.slice('/raw/'.length)) };
        } catch (error) {
          throw new SendoffError('BAD_REQUEST', 'malformed path', { cause: error });
        }
      }),
    );
    app = await listen(koa.callback());
  });
  after(async () => {
    await app?.close();
    await edge?.close();
    await keys?.remove();
    await s3?.stop();
  });

  /** The app's answer: a 302 to the edge that never names the bucket or the S3 endpoint, with a bounded Cache-Control. */
  async function redirected(path: string, method = 'GET'): Promise<string> {
    const response = await request(`${app.url}${path}`, { method });
    expect(response.status, `${method} ${path}`).to.equal(302);
    expect(response.body.length).to.equal(0);
    const location = String(response.headers.location);
    expect(location.startsWith(`${edge.url}/${PREFIX}`), location).to.equal(true);
    expect(response.headers['cache-control']).to.match(/^private, max-age=\d+$/);
    expect(Number(/max-age=(\d+)/.exec(String(response.headers['cache-control']))?.[1])).to.be.within(1, 300 - 30);
    for (const [name, value] of Object.entries(response.headers)) {
      expect(String(value), name).to.not.include(s3.bucket);
      expect(String(value), name).to.not.include(new URL(s3.endpoint).host);
    }
    expect(response.headers['set-cookie']).to.equal(undefined);
    return location;
  }

  function expectDisposition(fixture: Fixture, response: HttpResponse): void {
    const header = String(response.headers['content-disposition']);
    expect(header).to.equal(contentDisposition(fixture.filename, fixture.disposition));
    const parsed = contentDispositionParser.parse(header);
    expect(parsed.type).to.equal(fixture.disposition);
    expect(parsed.parameters.filename).to.equal(sanitizeFilename(fixture.filename));
  }

  it('GET: a 302 the client follows to the bytes, type, length and name', async () => {
    for (const fixture of FIXTURES) {
      const response = await request(await redirected(`/files/${fixture.id}`));
      expect(response.status, fixture.id).to.equal(200);
      expect(response.body.equals(fixture.bytes), fixture.id).to.equal(true);
      expect(response.headers['content-type'], fixture.id).to.equal(fixture.contentType);
      expect(response.headers['content-length'], fixture.id).to.equal(String(fixture.bytes.length));
      expect(response.headers['set-cookie'], fixture.id).to.equal(undefined);
      expectDisposition(fixture, response);
    }
  });

  it('HEAD: a 302 to the GET URL, answered with the headers and no body', async () => {
    for (const fixture of FIXTURES) {
      const location = await redirected(`/files/${fixture.id}`, 'HEAD');
      const unsigned = (url: string) => url.slice(0, url.indexOf('&Expires='));
      expect(unsigned(location)).to.equal(unsigned(await redirected(`/files/${fixture.id}`)));
      const response = await request(location, { method: 'HEAD' });
      expect(response.status, fixture.id).to.equal(200);
      expect(response.body.length).to.equal(0);
      expect(response.headers['content-length'], fixture.id).to.equal(String(fixture.bytes.length));
      expect(response.headers['content-type'], fixture.id).to.equal(fixture.contentType);
      expectDisposition(fixture, response);
    }
  });

  it('Range: bytes=0-9 at the edge is a 206 of those bytes', async () => {
    for (const fixture of FIXTURES) {
      const response = await request(await redirected(`/files/${fixture.id}`), { headers: { Range: 'bytes=0-9' } });
      expect(response.status, fixture.id).to.equal(206);
      expect(response.headers['content-range'], fixture.id).to.equal(`bytes 0-9/${fixture.bytes.length}`);
      expect(response.body.equals(fixture.bytes.subarray(0, 10)), fixture.id).to.equal(true);
    }
  });

  it('a missing file is a 404 from the app, a hostile key a 4xx, another method a 405: never a redirect', async () => {
    const missing = await request(`${app.url}/raw/docs/missing.txt`);
    expect(missing.status).to.equal(404);
    expect(missing.headers.location).to.equal(undefined);
    for (const path of BAD_KEY_PATHS) {
      const response = await request(`${app.url}${path}`);
      expect(response.status, path).to.be.within(400, 499);
      expect(response.headers.location, path).to.equal(undefined);
      expect(response.body.toString(), path).to.not.include(s3.bucket);
    }
    const posted = await request(`${app.url}/files/report`, { method: 'POST' });
    expect(posted.status).to.equal(405);
    expect(posted.headers.allow).to.equal('GET, HEAD');
    expect(posted.headers.location).to.equal(undefined);
  });

  it('a raw key with spaces, %, #, ? and unicode is redirected to that very object', async () => {
    for (const fixture of FIXTURES) {
      const response = await request(await redirected(`/raw/${encodedPath(fixture.key)}`));
      expect(response.status, fixture.key).to.equal(200);
      expect(response.body.equals(fixture.bytes), fixture.key).to.equal(true);
    }
  });

  it('a link tampered with or used by another path gets a 403 at the edge', async () => {
    const location = await redirected('/files/report');
    const forged = location.replace('/docs/report.txt?', '/cv/R%C3%A9sum%C3%A9%20%E2%80%93%20na%C3%AFve.pdf?');
    expect(forged).to.not.equal(location);
    expect((await request(forged)).status).to.equal(403);
    expect((await request(location.replace(/Signature=[^&]{5}/, 'Signature=AAAAA'))).status).to.equal(403);
  });

  it('the gallery page sets the signed cookies; they open every file of that user at the edge and no other', async () => {
    const page = await fetch(`${app.url}/gallery/123`);
    expect(page.status).to.equal(200);
    const setCookie = page.headers.getSetCookie();
    expect(setCookie.map((line) => line.split('=')[0])).to.deep.equal(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id']);
    for (const line of setCookie) expect(line).to.match(/^CloudFront-[A-Za-z-]+=[A-Za-z0-9_~-]+; Path=\/site-9\/u\/123\/; HttpOnly; Secure; SameSite=Lax$/);
    const cookie = setCookie.map((line) => line.split(';')[0]).join('; ');
    const sources = [...(await page.text()).matchAll(/src="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(sources).to.have.length(2);
    for (const source of sources) {
      const key = decodeURIComponent(source.slice(`${edge.url}/${PREFIX}`.length));
      const response = await request(source, { headers: { Cookie: cookie } });
      expect(response.status, source).to.equal(200);
      expect(response.body.equals(GALLERY[key] ?? Buffer.alloc(0)), source).to.equal(true);
      expect(response.headers['content-type']).to.equal('image/png');
      expect((await request(source)).status, `${source} without cookies`).to.equal(403);
    }
    const other = await request(`${edge.url}/${PREFIX}u/456/1.png`, { headers: { Cookie: cookie } });
    expect(other.status).to.equal(403);
    expect(other.body.includes(GALLERY['u/456/1.png'] ?? Buffer.alloc(1))).to.equal(false);
  });
});
