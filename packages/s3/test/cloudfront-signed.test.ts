/**
 * cloudFrontSigned against a verifying stand-in for CloudFront (the test kit's edge, in front of
 * s3rver): every signature is also checked by openssl with the public key; tampered, expired,
 * not-yet-valid and out-of-range links are refused with 403.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import contentDispositionParser from 'content-disposition';
import type { DeliveryPlan, ResolvedFile } from '@sendoff/core';
import { validateKey } from '@sendoff/core';
import { contentDisposition } from '@sendoff/core/http';
import { cannedPolicy, createTestKeyPair, decodeCloudFrontBase64, failureOf, request, startCloudFrontEdge, startLocalS3, type CloudFrontEdge, type LocalS3, type TestKeyPair } from '@sendoff-tools/test-kit';
import { S3Storage } from '../src/s3-storage.js';
import { cloudFrontSigned, type CloudFrontSignedOptions } from '../src/cloudfront-signed.js';
import { downloadOptions, resolveFile } from './resolved-file.js';
import { expectServesOnlyItsBucket } from './serves-only-s3.js';

const GET = { method: 'GET', headers: {} };
const HEAD = { method: 'HEAD', headers: {} };
const SIGNED = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id'];

function redirectOf(plan: DeliveryPlan): string {
  expect(plan.body).to.equal('redirect');
  if (plan.body !== 'redirect') throw new Error('not a redirect');
  expect(plan.headers.Location).to.equal(plan.location);
  return plan.location;
}

/** The URL without CloudFront's parameters (what the policy covers), and those parameters. */
function signedPartsOf(url: string): { resource: string; params: Record<string, string>; order: string[] } {
  const [base = '', query = ''] = url.split(/\?(.*)/s);
  const pairs = query.split('&');
  const rest = pairs.filter((pair) => !SIGNED.includes(pair.split('=')[0] ?? ''));
  const signed = pairs.filter((pair) => SIGNED.includes(pair.split('=')[0] ?? ''));
  expect(pairs.slice(rest.length), 'signed parameters come last').to.deep.equal(signed);
  const params = Object.fromEntries(signed.map((pair) => [pair.split('=')[0], decodeURIComponent(pair.slice(pair.indexOf('=') + 1))]));
  return { resource: rest.length === 0 ? base : `${base}?${rest.join('&')}`, params, order: signed.map((pair) => pair.split('=')[0] ?? '') };
}

/** `url` with the value of one query parameter replaced (the rest byte for byte). */
function withParam(url: string, name: string, value: string): string {
  const pattern = new RegExp(`([?&]${name}=)[^&]*`);
  expect(url).to.match(pattern);
  return url.replace(pattern, `$1${value}`);
}

/** `value` with the character at `index` swapped for another of the same alphabet. */
function oneCharOff(value: string, index: number): string {
  const char = value[index] ?? '';
  const other = char === 'A' ? 'B' : 'A';
  return `${value.slice(0, index)}${other}${value.slice(index + 1)}`;
}

/** RFC 3986 percent-encoding of everything but the unreserved characters. */
function strictlyEncoded(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

describe('cloudFrontSigned through a verifying CloudFront stand-in and s3rver', () => {
  let s3: LocalS3;
  let keys: TestKeyPair;
  let edge: CloudFrontEdge;
  let storage: S3Storage;
  let file: ResolvedFile;
  const body = Buffer.from('quarterly numbers, all of them, served from the edge\n');
  const key = validateKey('reports/2026/Q1 résumé (final).txt');

  before(async function () {
    this.timeout(30_000);
    s3 = await startLocalS3();
    keys = await createTestKeyPair();
    edge = await startCloudFrontEdge({ client: s3.client, bucket: s3.bucket, publicKeys: { [keys.keyPairId]: keys.publicKey } });
    storage = new S3Storage({ client: s3.client, bucket: s3.bucket, prefix: 'tenant-7/' });
    await storage.put(key, body, { contentType: 'application/octet-stream' });
    file = await resolveFile(storage, key);
  });
  after(async () => {
    await edge?.close();
    await keys?.remove();
    await s3?.stop();
  });

  function strategy(overrides: Partial<CloudFrontSignedOptions> = {}) {
    return cloudFrontSigned({ distributionUrl: edge.url, keyPairId: keys.keyPairId, privateKey: keys.privateKey, ...overrides });
  }

  /** What a plain HTTP client gets from the edge for `url` (the path and query sent as written). */
  async function follow(url: string, method = 'GET', headers: Record<string, string> = {}) {
    expect(url.startsWith(`${edge.url}/`)).to.equal(true);
    return request(url, { method, headers });
  }

  it('plans a 302 to <distribution>/<key>?response-*&Expires&Signature&Key-Pair-Id that the edge serves with the name and type', async () => {
    const options = downloadOptions({ filename: 'Q1 "résumé" final.txt', disposition: 'attachment', contentType: 'text/plain; charset=utf-8' });
    const plan = await strategy().plan(GET, file, options);
    expect(plan.strategy).to.equal('cloudFrontSigned');
    expect(plan.status).to.equal(302);
    expect(Object.keys(plan.headers).sort()).to.deep.equal(['Cache-Control', 'Location']);
    const url = redirectOf(plan);
    expect(url.startsWith(`${edge.url}/tenant-7/reports/2026/Q1%20r%C3%A9sum%C3%A9%20%28final%29.txt?response-content-disposition=`)).to.equal(true);
    const { resource, params, order } = signedPartsOf(url);
    expect(order).to.deep.equal(['Expires', 'Signature', 'Key-Pair-Id']);
    expect(params['Key-Pair-Id']).to.equal(keys.keyPairId);
    expect(new URL(resource).searchParams.get('response-content-disposition')).to.equal(contentDisposition(options.filename, 'attachment'));
    expect(new URL(resource).searchParams.get('response-content-type')).to.equal('text/plain; charset=utf-8');
    expect(await keys.opensslVerifies(cannedPolicy(resource, Number(params.Expires)), params.Signature ?? '')).to.equal(true);

    const response = await follow(url);
    expect(response.status).to.equal(200);
    expect(response.body.equals(body)).to.equal(true);
    expect(response.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(response.headers['content-length']).to.equal(String(body.length));
    const disposition = String(response.headers['content-disposition']);
    expect(disposition).to.equal(contentDisposition(options.filename, 'attachment'));
    expect(contentDispositionParser.parse(disposition).parameters.filename).to.equal('Q1 "résumé" final.txt');
    expect(edge.verdicts.at(-1)).to.include({ valid: true, kind: 'canned', via: 'url' });
  });

  it('derives Expires and max-age like s3Redirect: signing second (or window) + expiresIn, minus the skew margin', async () => {
    const now = Date.UTC(2026, 5, 1, 10, 0, 0, 250);
    const plan = await strategy({ expiresIn: 600, skewMarginSeconds: 45, now: () => now }).plan(GET, file, downloadOptions());
    expect(plan.headers['Cache-Control']).to.equal(`private, max-age=${600 - 1 - 45}`);
    expect(signedPartsOf(redirectOf(plan)).params.Expires).to.equal(String(Date.UTC(2026, 5, 1, 10, 10, 0) / 1000));

    let clock = Date.UTC(2026, 5, 1, 10, 0, 0);
    const windowed = strategy({ expiresIn: 3600, signingBucketSeconds: 900, now: () => clock });
    const first = redirectOf(await windowed.plan(GET, file, downloadOptions()));
    clock += 899_000;
    const late = await windowed.plan(GET, file, downloadOptions());
    clock += 1_000;
    const next = redirectOf(await windowed.plan(GET, file, downloadOptions()));
    expect(redirectOf(late)).to.equal(first);
    expect(late.headers['Cache-Control']).to.equal(`private, max-age=${3600 - 899 - 30}`);
    expect(next).to.not.equal(first);
    expect(signedPartsOf(next).params.Expires).to.equal(String(Date.UTC(2026, 5, 1, 11, 15, 0) / 1000));
  });

  it('signs a custom policy with the exact resource, the expiry, the IP range and the start date, and the edge accepts it', async () => {
    const now = Date.now();
    const notBefore = new Date(now - 60_000);
    const plan = await strategy({ policy: 'custom', ipAddress: '127.0.0.0/8', dateGreaterThan: notBefore, now: () => now }).plan(GET, file, downloadOptions({ filename: 'custom.txt' }));
    const url = redirectOf(plan);
    const { resource, params, order } = signedPartsOf(url);
    expect(order).to.deep.equal(['Policy', 'Signature', 'Key-Pair-Id']);
    const policy = decodeCloudFrontBase64(params.Policy ?? '')?.toString('utf8') ?? '';
    expect(JSON.parse(policy)).to.deep.equal({
      Statement: [
        {
          Resource: resource,
          Condition: {
            DateLessThan: { 'AWS:EpochTime': Math.floor(now / 1000) + 300 },
            DateGreaterThan: { 'AWS:EpochTime': Math.floor(notBefore.getTime() / 1000) },
            IpAddress: { 'AWS:SourceIp': '127.0.0.0/8' },
          },
        },
      ],
    });
    expect(await keys.opensslVerifies(policy, params.Signature ?? '')).to.equal(true);
    const response = await follow(url);
    expect(response.status).to.equal(200);
    expect(response.body.equals(body)).to.equal(true);
    expect(response.headers['content-disposition']).to.equal(contentDisposition('custom.txt', 'attachment'));
    expect(edge.verdicts.at(-1)).to.include({ valid: true, kind: 'custom' });
  });

  it('a custom policy without conditions carries only DateLessThan; a bare IP address becomes a /32', async () => {
    const bare = strategy({ policy: 'custom' });
    expect(bare.policy).to.equal('custom');
    const { params } = signedPartsOf(redirectOf(await bare.plan(GET, file, downloadOptions())));
    expect(Object.keys(JSON.parse(decodeCloudFrontBase64(params.Policy ?? '')?.toString() ?? '{}').Statement[0].Condition)).to.deep.equal(['DateLessThan']);
    const single = strategy({ ipAddress: '127.0.0.1' });
    expect(single.policy).to.equal('custom');
    const url = redirectOf(await single.plan(GET, file, downloadOptions()));
    const policy = JSON.parse(decodeCloudFrontBase64(signedPartsOf(url).params.Policy ?? '')?.toString() ?? '{}');
    expect(policy.Statement[0].Condition.IpAddress).to.deep.equal({ 'AWS:SourceIp': '127.0.0.1/32' });
    expect((await follow(url)).status).to.equal(200);
  });

  it('a link for one address opens from that address only', async () => {
    const url = redirectOf(await strategy({ ipAddress: '127.0.0.1' }).plan(GET, file, downloadOptions()));
    const there = await request(url, { localAddress: '127.0.0.1' });
    expect(there.status).to.equal(200);
    expect(there.body.equals(body)).to.equal(true);
    const elsewhere = await request(url, { localAddress: '127.0.0.2' });
    expect(elsewhere.status).to.equal(403);
    expect(edge.verdicts.at(-1)).to.deep.equal({ valid: false, reason: 'source ip refused' });
  });

  it('refuses (403) a link for another IP range and one not valid yet', async () => {
    const elsewhere = redirectOf(await strategy({ ipAddress: '192.0.2.0/24' }).plan(GET, file, downloadOptions()));
    const refused = await follow(elsewhere);
    expect(refused.status).to.equal(403);
    expect(refused.body.toString()).to.include('AccessDenied');
    expect(refused.body.toString()).to.not.include('quarterly');
    expect(edge.verdicts.at(-1)).to.deep.equal({ valid: false, reason: 'source ip refused' });

    const later = redirectOf(await strategy({ dateGreaterThan: new Date(Date.now() + 3_600_000), expiresIn: 7200 }).plan(GET, file, downloadOptions()));
    expect((await follow(later)).status).to.equal(403);
    expect(edge.verdicts.at(-1)).to.deep.equal({ valid: false, reason: 'not yet valid' });
  });

  it('refuses (403) a link expired by the clock', async () => {
    const plan = await strategy({ now: () => Date.now() - 3_600_000 }).plan(GET, file, downloadOptions());
    const response = await follow(redirectOf(plan));
    expect(response.status).to.equal(403);
    expect(response.body.toString()).to.not.include('quarterly');
    expect(edge.verdicts.at(-1)).to.deep.equal({ valid: false, reason: 'expired' });
  });

  describe('tampering', () => {
    let canned: string;
    let custom: string;
    before(async () => {
      canned = redirectOf(await strategy().plan(GET, file, downloadOptions({ filename: 'a.txt' })));
      custom = redirectOf(await strategy({ policy: 'custom' }).plan(GET, file, downloadOptions({ filename: 'a.txt' })));
      for (const url of [canned, custom]) expect((await follow(url)).status).to.equal(200);
    });

    async function refusedBecause(url: string, reason: string) {
      const response = await follow(url);
      expect(response.status, url).to.equal(403);
      expect(response.body.toString()).to.include('AccessDenied');
      expect(edge.verdicts.at(-1), url).to.deep.equal({ valid: false, reason });
    }

    it('one character of the signature', async () => {
      for (const url of [canned, custom]) {
        const signature = signedPartsOf(url).params.Signature ?? '';
        await refusedBecause(withParam(url, 'Signature', oneCharOff(signature, 20)), 'signature mismatch');
        const policy = custom === url ? decodeCloudFrontBase64(signedPartsOf(url).params.Policy ?? '')?.toString() ?? '' : cannedPolicy(signedPartsOf(url).resource, Number(signedPartsOf(url).params.Expires));
        expect(await keys.opensslVerifies(policy, oneCharOff(signature, 20))).to.equal(false);
      }
    });

    it('one character of the expiry, or of the policy', async () => {
      const expires = signedPartsOf(canned).params.Expires ?? '';
      await refusedBecause(withParam(canned, 'Expires', String(Number(expires) + 1)), 'signature mismatch');
      const encoded = signedPartsOf(custom).params.Policy ?? '';
      const policy = decodeCloudFrontBase64(encoded)?.toString() ?? '';
      const longer = policy.replace(/"AWS:EpochTime":(\d+)/, (_, n: string) => `"AWS:EpochTime":${Number(n) + 1}`);
      const reencoded = Buffer.from(longer).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
      await refusedBecause(withParam(custom, 'Policy', reencoded), 'signature mismatch');
      expect(await keys.opensslVerifies(longer, signedPartsOf(custom).params.Signature ?? '')).to.equal(false);
      await refusedBecause(withParam(custom, 'Policy', oneCharOff(encoded, 30)), 'signature mismatch');
    });

    it('the key pair id', async () => {
      await refusedBecause(withParam(canned, 'Key-Pair-Id', oneCharOff(keys.keyPairId, 3)), 'unknown key pair id');
    });

    it('one character of the resource: the object key, the name, the type', async () => {
      for (const url of [canned, custom]) {
        const reason = url === canned ? 'signature mismatch' : 'resource mismatch';
        await refusedBecause(url.replace('Q1%20r', 'Q2%20r'), reason);
        await refusedBecause(withParam(url, 'response-content-disposition', encodeURIComponent('attachment; filename="evil.exe"')), reason);
        await refusedBecause(withParam(url, 'response-content-type', encodeURIComponent('text/html')), reason);
        await refusedBecause(url.replace(`${edge.url}/tenant-7/`, `${edge.url}/tenant-8/`), reason);
      }
    });

    it('no signature at all', async () => {
      await refusedBecause(`${edge.url}/tenant-7/reports/2026/Q1%20r%C3%A9sum%C3%A9%20%28final%29.txt`, 'missing signature');
      await refusedBecause(signedPartsOf(canned).resource, 'missing signature');
    });
  });

  it('serves HEAD with the GET URL (CloudFront does not sign the method): headers, no body', async () => {
    const now = Date.now();
    const signer = strategy({ now: () => now });
    const options = downloadOptions({ filename: 'report.txt', contentType: 'text/plain' });
    const url = redirectOf(await signer.plan(HEAD, file, options));
    expect(url).to.equal(redirectOf(await signer.plan(GET, file, options)));
    const response = await follow(url, 'HEAD');
    expect(response.status).to.equal(200);
    expect(response.body.length).to.equal(0);
    expect(response.headers['content-length']).to.equal(String(body.length));
    expect(response.headers['content-type']).to.equal('text/plain');
    expect(response.headers['content-disposition']).to.equal(contentDisposition('report.txt', 'attachment'));
  });

  it('leaves Range and conditional requests to the edge: 206 with the bytes, 304 on the ETag', async () => {
    const url = redirectOf(await strategy().plan(GET, file, downloadOptions()));
    const partial = await follow(url, 'GET', { Range: 'bytes=0-9' });
    expect(partial.status).to.equal(206);
    expect(partial.headers['content-range']).to.equal(`bytes 0-9/${body.length}`);
    expect(partial.body.equals(body.subarray(0, 10))).to.equal(true);
    const full = await follow(url);
    const again = await follow(url, 'GET', { 'If-None-Match': String(full.headers.etag) });
    expect(again.status).to.equal(304);
    expect(again.body.length).to.equal(0);
  });

  describe('hostile keys and names', () => {
    const files = [
      { key: 'odd/100% done #1?.txt', bytes: Buffer.from('one hundred percent, hash and question mark') },
      { key: 'odd/spaces  and + plus.txt', bytes: Buffer.from('two spaces and a plus') },
      { key: "odd/quote\"apostrophe'(paren)*!.txt", bytes: Buffer.from('quotes and sub-delims') },
      { key: 'fun/🎉 party 🦄/naïve – ü.bin', bytes: Buffer.from(Array.from({ length: 97 }, (_, i) => 255 - i)) },
    ];
    before(async () => {
      for (const entry of files) await storage.put(validateKey(entry.key), entry.bytes, { contentType: 'application/octet-stream' });
    });

    it('every key reaches the right object through the edge, under both policies', async () => {
      for (const entry of files) {
        const resolved = await resolveFile(storage, validateKey(entry.key));
        for (const policy of ['canned', 'custom'] as const) {
          const url = redirectOf(await strategy({ policy }).plan(GET, resolved, downloadOptions({ filename: entry.key.split('/').at(-1), contentType: 'application/octet-stream' })));
          expect(url).to.not.match(/[\s#"]/);
          expect(new URL(url).pathname).to.equal(`/tenant-7/${entry.key.split('/').map(strictlyEncoded).join('/')}`);
          const response = await follow(url);
          expect(response.status, `${policy} ${entry.key}`).to.equal(200);
          expect(response.body.equals(entry.bytes), entry.key).to.equal(true);
          const parsed = contentDispositionParser.parse(String(response.headers['content-disposition']));
          expect(parsed.parameters.filename, entry.key).to.equal(entry.key.split('/').at(-1));
        }
      }
    });

    it('a * in a key is no wildcard: a custom-policy link for star*.txt opens no other object', async () => {
      const star = validateKey('odd/star*.txt');
      await storage.put(star, Buffer.from('the star file'), { contentType: 'text/plain' });
      await storage.put(validateKey('odd/star-secret.txt'), Buffer.from('someone else'), { contentType: 'text/plain' });
      const url = redirectOf(await strategy({ policy: 'custom' }).plan(GET, await resolveFile(storage, star), downloadOptions({ filename: 'star.txt' })));
      expect(url).to.include('/odd/star%2A.txt?');
      expect((await follow(url)).body.toString()).to.equal('the star file');
      const other = await follow(url.replace('/odd/star%2A.txt?', '/odd/star-secret.txt?'));
      expect(other.status).to.equal(403);
      expect(edge.verdicts.at(-1)).to.deep.equal({ valid: false, reason: 'resource mismatch' });
    });

    it('names with quotes, CR/LF and header-like text never add a header', async () => {
      for (const filename of ['a"b\r\nSet-Cookie: stolen=1.txt', 'x\nX-Injected: yes', "it's \"quoted\"; filename=evil.exe"]) {
        const plan = await strategy().plan(GET, file, downloadOptions({ filename }));
        const url = redirectOf(plan);
        expect(url).to.not.match(/[\r\n]/);
        const response = await follow(url);
        expect(response.status, filename).to.equal(200);
        expect(response.headers['set-cookie']).to.equal(undefined);
        expect(response.headers['x-injected']).to.equal(undefined);
        const parsed = contentDispositionParser.parse(String(response.headers['content-disposition']));
        expect(parsed.type).to.equal('attachment');
        expect(parsed.parameters.filename).to.not.match(/[\r\n]/);
      }
    });
  });

  it('signs active content as an octet-stream attachment, whatever the options say', async () => {
    const page = Buffer.from('<!doctype html><script>alert(document.cookie)</script>\n');
    const pageKey = validateKey('shared/invoice.html');
    await storage.put(pageKey, page, { contentType: 'text/html' });
    const resolved = await resolveFile(storage, pageKey);
    const url = redirectOf(await strategy().plan(GET, resolved, downloadOptions({ filename: 'invoice.html', disposition: 'inline', contentType: 'text/html; charset=utf-8' })));
    const response = await follow(url);
    expect(response.status).to.equal(200);
    expect(response.body.equals(page)).to.equal(true);
    expect(response.headers['content-type']).to.equal('application/octet-stream');
    expect(response.headers['content-disposition']).to.equal(contentDisposition('invoice.html', 'attachment'));
  });

  it('only serves S3 locations (of its bucket when one is set) and answers other methods with 405', async () => {
    await expectServesOnlyItsBucket(strategy({ bucket: s3.bucket, status: 307, name: 'cdn' }), file, 'cdn');
  });

  it('takes the key as PKCS#1 or PKCS#8 PEM, encrypted with a passphrase too; refuses a wrong passphrase and a key that is not RSA', async () => {
    const rsa = createPrivateKey(keys.privateKey);
    const encrypted = rsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' }).toString();
    for (const variant of [{ privateKey: rsa.export({ type: 'pkcs8', format: 'pem' }).toString() }, { privateKey: encrypted, passphrase: 'correct horse' }, { privateKey: Buffer.from(keys.privateKey) }]) {
      const url = redirectOf(await strategy(variant).plan(GET, file, downloadOptions()));
      const { resource, params } = signedPartsOf(url);
      expect(await keys.opensslVerifies(cannedPolicy(resource, Number(params.Expires)), params.Signature ?? '')).to.equal(true);
    }
    for (const bad of [{ privateKey: encrypted, passphrase: 'wrong' }, { privateKey: encrypted }, { privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }]) {
      const error = await failureOf(Promise.resolve().then(() => strategy(bad)));
      expect(error.code).to.equal('CONFIG_INVALID');
      expect(error.message).to.not.include('correct horse');
    }
  });

  it('rejects bad configurations at start-up with CONFIG_INVALID, naming no secret', async () => {
    for (const bad of [
      { distributionUrl: 'http://d111111abcdef8.cloudfront.net' },
      { distributionUrl: 'https://d111111abcdef8.cloudfront.net/files' },
      { distributionUrl: 'https://d111111abcdef8.cloudfront.net/?a=b' },
      { distributionUrl: 'https://user:pw@d111111abcdef8.cloudfront.net' },
      { distributionUrl: 'not a url' },
      { keyPairId: '' },
      { keyPairId: 'K2 JCJ' },
      { keyPairId: 'K2&x=1' },
      { privateKey: 'not a key' },
      { privateKey: '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n' },
      { expiresIn: 0 },
      { expiresIn: 31_536_001 },
      { expiresIn: 300, signingBucketSeconds: 280 },
      { status: 200 as never },
      { policy: 'canned' as const, ipAddress: '10.0.0.0/8' },
      { policy: 'signed' as never },
      { ipAddress: '10.0.0.0/33' },
      { ipAddress: '2001:db8::/32' },
      { ipAddress: '10.0.0/8' },
      { dateGreaterThan: new Date(Number.NaN) },
    ]) {
      const error = await failureOf(Promise.resolve().then(() => strategy(bad)));
      expect(error.code, JSON.stringify(bad)).to.equal('CONFIG_INVALID');
      expect(error.message).to.not.include('PRIVATE KEY');
    }
    expect(strategy({ distributionUrl: 'https://cdn.example.com/' }).name).to.equal('cloudFrontSigned');
    expect(strategy({ expiresIn: 31_536_000 }).expiresIn).to.equal(31_536_000);
  });
});
