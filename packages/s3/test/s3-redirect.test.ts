import { expect } from 'chai';
import contentDispositionParser from 'content-disposition';
import type { DeliveryPlan, ResolvedFile } from '@sendoff/core';
import { SendoffError, createDelivery, validateKey } from '@sendoff/core';
import { contentDisposition } from '@sendoff/core/http';
import { createS3Client } from '../src/create-s3-client.js';
import { S3Storage } from '../src/s3-storage.js';
import { s3Redirect } from '../src/s3-redirect.js';
import { downloadOptions, resolveFile } from './resolved-file.js';
import { REGION, S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from '@sendoff-tools/test-kit';
import { verifyPresignedUrl } from './sigv4-verify.js';

const SECRET = S3RVER_CREDENTIALS.secretAccessKey;
const GET = { method: 'GET', headers: {} };
const HEAD = { method: 'HEAD', headers: {} };

function redirectOf(plan: DeliveryPlan): string {
  expect(plan.body).to.equal('redirect');
  if (plan.body !== 'redirect') throw new Error('not a redirect');
  expect(plan.headers.Location).to.equal(plan.location);
  return plan.location;
}

function maxAgeOf(plan: DeliveryPlan): number {
  const match = /^private, max-age=(\d+)$/.exec(plan.headers['Cache-Control'] ?? '');
  expect(match, plan.headers['Cache-Control']).to.not.equal(null);
  return Number(match![1]);
}

/** `url` with one query parameter replaced, the rest left byte for byte. */
function withParam(url: string, name: string, value: string): string {
  const pattern = new RegExp(`([?&]${name}=)[^&]*`);
  expect(url).to.match(pattern);
  return url.replace(pattern, `$1${encodeURIComponent(value)}`);
}

describe('s3Redirect against s3rver', () => {
  let s3: LocalS3;
  let storage: S3Storage;
  let file: ResolvedFile;
  const body = Buffer.from('quarterly numbers, all of them\n');
  const key = validateKey('reports/2026/Q1 résumé (final).txt');

  before(async () => {
    s3 = await startLocalS3();
    storage = new S3Storage({ client: s3.client, bucket: s3.bucket, prefix: 'tenant-7/' });
    await storage.put(key, body, { contentType: 'application/octet-stream' });
    file = await resolveFile(storage, key);
  });
  after(async () => s3.stop());

  it('plans a 302 whose URL a plain HTTP client follows to the bytes, name and type', async () => {
    const strategy = s3Redirect({ client: s3.client });
    const options = downloadOptions({ filename: 'Q1 "résumé" final.txt', disposition: 'attachment', contentType: 'text/plain; charset=utf-8' });
    const plan = await strategy.plan(GET, file, options);
    expect(plan.strategy).to.equal('s3Redirect');
    expect(plan.status).to.equal(302);
    expect(Object.keys(plan.headers).sort()).to.deep.equal(['Cache-Control', 'Location']);
    const url = redirectOf(plan);
    expect(url.startsWith(`${s3.endpoint}/${s3.bucket}/tenant-7/reports/2026/Q1%20r%C3%A9sum%C3%A9%20%28final%29.txt?`)).to.equal(true);

    const response = await fetch(url);
    expect(response.status).to.equal(200);
    expect(Buffer.from(await response.arrayBuffer())).to.deep.equal(body);
    expect(response.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).to.equal(contentDisposition(options.filename, 'attachment'));
    const parsed = contentDispositionParser.parse(disposition);
    expect(parsed.type).to.equal('attachment');
    expect(parsed.parameters.filename).to.equal('Q1 "résumé" final.txt');
  });

  it('gives a URL the independent SigV4 check accepts, and rejects once tampered with', async () => {
    const strategy = s3Redirect({ client: s3.client });
    const url = redirectOf(await strategy.plan(GET, file, downloadOptions({ filename: 'a.txt' })));
    const check = (candidate: string, method = 'GET') => verifyPresignedUrl(candidate, { secretAccessKey: SECRET, method, nowMs: Date.now() });
    const verdict = check(url);
    expect(verdict).to.include({ valid: true });
    if (!verdict.valid) return;
    expect(verdict.params['response-content-disposition']).to.equal(contentDisposition('a.txt', 'attachment'));
    expect(verdict.params['response-content-type']).to.equal('text/plain');
    expect(verdict.params['X-Amz-Expires']).to.equal('300');

    expect(check(url.replace('Q1%20r', 'Q2%20r'))).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(check(withParam(url, 'X-Amz-Expires', '604800'))).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(check(withParam(url, 'response-content-disposition', 'attachment; filename="evil.exe"'))).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(check(withParam(url, 'response-content-type', 'text/html'))).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(check(url, 'HEAD')).to.deep.equal({ valid: false, reason: 'signature mismatch' });
  });

  it('signs HEAD requests for HEAD, and that URL answers HEAD with the headers and no body', async () => {
    const strategy = s3Redirect({ client: s3.client });
    const plan = await strategy.plan(HEAD, file, downloadOptions({ filename: 'report.txt', contentType: 'text/plain' }));
    expect(plan.status).to.equal(302);
    const url = redirectOf(plan);
    expect(verifyPresignedUrl(url, { secretAccessKey: SECRET, method: 'HEAD' })).to.include({ valid: true });
    expect(verifyPresignedUrl(url, { secretAccessKey: SECRET, method: 'GET' })).to.include({ valid: false });
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-length')).to.equal(String(body.length));
    expect(response.headers.get('content-type')).to.equal('text/plain');
    expect(response.headers.get('content-disposition')).to.equal(contentDisposition('report.txt', 'attachment'));
    expect(await response.text()).to.equal('');
  });

  it('carries the app Cache-Control to S3 as response-cache-control, signed', async () => {
    const strategy = s3Redirect({ client: s3.client });
    const url = redirectOf(await strategy.plan(GET, file, downloadOptions({ headers: { 'Cache-Control': 'private, max-age=60', 'X-Other': 'dropped' } })));
    expect(url).to.not.include('X-Other');
    const response = await fetch(url);
    expect(response.status).to.equal(200);
    expect(response.headers.get('cache-control')).to.equal('private, max-age=60');
    await response.arrayBuffer();
  });

  describe('active content (S3 cannot send a CSP or nosniff)', () => {
    const page = Buffer.from('<!doctype html><script>alert(document.cookie)</script>\n');
    const drawing = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n');
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(32, 3)]);

    before(async () => {
      await storage.put(validateKey('shared/invoice.html'), page, { contentType: 'text/html' });
      await storage.put(validateKey('shared/drawing.svg'), drawing, { contentType: 'image/svg+xml' });
      await storage.put(validateKey('shared/photo.png'), png, { contentType: 'image/png' });
    });

    /** Follows the plan's redirect and returns what the browser would get. */
    async function follow(plan: DeliveryPlan) {
      const url = redirectOf(plan);
      expect(verifyPresignedUrl(url, { secretAccessKey: SECRET, method: 'GET' })).to.include({ valid: true });
      const response = await fetch(url);
      expect(response.status).to.equal(200);
      return { body: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition') };
    }

    it('signs an attachment of application/octet-stream for HTML asked inline, whatever the options say', async () => {
      const strategy = s3Redirect({ client: s3.client });
      const file = await resolveFile(storage, validateKey('shared/invoice.html'));
      const options = downloadOptions({ filename: 'invoice.html', disposition: 'inline', contentType: 'text/html; charset=utf-8' });
      const got = await follow(await strategy.plan(GET, file, options));
      expect(got.body.equals(page)).to.equal(true);
      expect(got.type).to.equal('application/octet-stream');
      expect(got.disposition).to.equal(contentDisposition('invoice.html', 'attachment'));
    });

    it('through a Deliverer: invoice.html and drawing.svg asked inline arrive as octet-stream attachments, a PNG stays inline', async () => {
      const delivery = createDelivery({ environment: 'test', storage, strategies: [s3Redirect({ client: s3.client })], policy: { rules: [], fallback: 's3Redirect' } });
      for (const [key, body] of [['shared/invoice.html', page], ['shared/drawing.svg', drawing]] as const) {
        const got = await follow(await delivery.deliver(GET, { key, disposition: 'inline' }));
        expect(got.body.equals(body), key).to.equal(true);
        expect(got.type, key).to.equal('application/octet-stream');
        expect(got.disposition, key).to.equal(contentDisposition(key.split('/')[1] as string, 'attachment'));
      }
      const photo = await follow(await delivery.deliver(GET, { key: 'shared/photo.png', disposition: 'inline' }));
      expect(photo.body.equals(png)).to.equal(true);
      expect(photo.type).to.equal('image/png');
      expect(photo.disposition).to.equal(contentDisposition('photo.png', 'inline'));
    });
  });

  it('a 1-second URL is refused by s3rver once expired, and its redirect is never cached', async function () {
    this.timeout(10_000);
    const strategy = s3Redirect({ client: s3.client, expiresIn: 1, skewMarginSeconds: 0 });
    const plan = await strategy.plan(GET, file, downloadOptions());
    expect(plan.headers['Cache-Control']).to.equal('no-store');
    const url = redirectOf(plan);
    expect(url).to.include('X-Amz-Expires=1&');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await fetch(url);
    expect(response.status).to.equal(403);
    expect(await response.text()).to.include('AccessDenied');
  });

  it('keeps max-age within the remaining life, minus the skew margin', async () => {
    const now = Date.UTC(2026, 5, 1, 10, 0, 0, 250);
    const strategy = s3Redirect({ client: s3.client, expiresIn: 600, skewMarginSeconds: 45, now: () => now });
    const plan = await strategy.plan(GET, file, downloadOptions());
    expect(maxAgeOf(plan)).to.equal(600 - 1 - 45);
    const url = redirectOf(plan);
    expect(url).to.include('X-Amz-Date=20260601T100000Z');
    expect(verifyPresignedUrl(url, { secretAccessKey: SECRET, method: 'GET', nowMs: now + maxAgeOf(plan) * 1000 })).to.include({ valid: true });
  });

  it('gives identical URLs inside a signing window and a new one in the next', async () => {
    let now = Date.UTC(2026, 5, 1, 10, 0, 0);
    const strategy = s3Redirect({ client: s3.client, expiresIn: 3600, signingBucketSeconds: 900, now: () => now });
    const first = await strategy.plan(GET, file, downloadOptions());
    now += 899_000;
    const late = await strategy.plan(GET, file, downloadOptions());
    now += 1_000;
    const next = await strategy.plan(GET, file, downloadOptions());
    expect(redirectOf(late)).to.equal(redirectOf(first));
    expect(redirectOf(next)).to.not.equal(redirectOf(first));
    expect(maxAgeOf(first)).to.equal(3600 - 30);
    expect(maxAgeOf(late)).to.equal(3600 - 899 - 30);
    expect(maxAgeOf(next)).to.equal(3600 - 30);
    const otherName = await strategy.plan(GET, file, downloadOptions({ filename: 'other.txt' }));
    expect(redirectOf(otherName)).to.not.equal(redirectOf(next));
  });

  it('caps the life at the expiry of temporary credentials and signs their session token', async () => {
    const now = Date.UTC(2026, 5, 1, 10, 0, 0);
    const strategy = s3Redirect({
      credentials: { ...S3RVER_CREDENTIALS, sessionToken: 'session-token/with+chars=', expiration: new Date(now + 100_000) },
      region: REGION,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      expiresIn: 300,
      now: () => now,
    });
    const plan = await strategy.plan(GET, file, downloadOptions());
    expect(maxAgeOf(plan)).to.equal(100 - 30);
    const verdict = verifyPresignedUrl(redirectOf(plan), { secretAccessKey: SECRET, method: 'GET', nowMs: now });
    expect(verdict).to.include({ valid: true });
    if (verdict.valid) expect(verdict.params['X-Amz-Security-Token']).to.equal('session-token/with+chars=');
  });

  it('signs for a public base URL (the signature covers its host)', async () => {
    const strategy = s3Redirect({ client: s3.client, publicBaseUrl: 'https://files.example.com/objects' });
    const url = redirectOf(await strategy.plan(GET, file, downloadOptions()));
    expect(url.startsWith('https://files.example.com/objects/tenant-7/reports/2026/Q1%20r%C3%A9sum%C3%A9%20%28final%29.txt?')).to.equal(true);
    expect(verifyPresignedUrl(url, { secretAccessKey: SECRET, method: 'GET' })).to.include({ valid: true });
    expect(verifyPresignedUrl(url.replace('files.example.com', 'evil.example.com'), { secretAccessKey: SECRET, method: 'GET' })).to.include({ valid: false });
  });

  it('only serves S3 locations (of its bucket when one is set) and answers other methods with 405', async () => {
    const strategy = s3Redirect({ client: s3.client, bucket: s3.bucket, status: 307, name: 's3Temp' });
    expect(strategy.name).to.equal('s3Temp');
    expect(strategy.locationKinds).to.deep.equal(['s3']);
    expect(strategy.canServe(file)).to.equal(true);
    expect(strategy.canServe({ ...file, location: { ...file.location, bucket: 'other' } as ResolvedFile['location'] })).to.equal(false);
    expect(strategy.canServe({ ...file, location: { kind: 'local', root: '/r', path: '/r/x', key } })).to.equal(false);
    expect((await strategy.plan(GET, file, downloadOptions())).status).to.equal(307);
    const refused = await strategy.plan({ method: 'POST', headers: {} }, file, downloadOptions());
    expect(refused).to.deep.equal({ strategy: 's3Temp', status: 405, headers: { Allow: 'GET, HEAD', 'Content-Length': '0' }, body: 'empty' });
  });

  it('needs no network to sign: works with S3 out of reach', async () => {
    const client = createS3Client({ endpoint: 'http://127.0.0.1:9', region: REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    const strategy = s3Redirect({ client });
    const url = redirectOf(await strategy.plan(GET, file, downloadOptions()));
    expect(url.startsWith('http://127.0.0.1:9/')).to.equal(true);
    client.destroy();
  });

  it('rejects configurations that would give dead or invalid URLs at start-up', () => {
    for (const bad of [
      { expiresIn: 20 },
      { expiresIn: 700_000 },
      { expiresIn: 300, signingBucketSeconds: 280 },
      { status: 200 as never },
    ]) {
      const error = (() => {
        try {
          s3Redirect({ client: s3.client, ...bad });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, JSON.stringify(bad)).to.be.instanceOf(SendoffError);
      expect((error as SendoffError).code).to.equal('CONFIG_INVALID');
    }
  });
});
