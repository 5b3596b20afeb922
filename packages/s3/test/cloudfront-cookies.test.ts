/**
 * cloudFrontCookies: the three Set-Cookie values, their policy (checked by openssl with the public
 * key), and what the verifying CloudFront stand-in in front of s3rver makes of them: every file
 * under the resource pattern opens, nothing else does, and tampered or expired cookies get 403.
 */
import { expect } from 'chai';
import { parseSetCookie } from 'cookie';
import { validateKey } from '@sendoff/core';
import { createTestKeyPair, decodeCloudFrontBase64, failureOf, request, startCloudFrontEdge, startLocalS3, type CloudFrontEdge, type LocalS3, type TestKeyPair } from '@sendoff-tools/test-kit';
import { S3Storage } from '../src/s3-storage.js';
import { cloudFrontCookies, type CloudFrontCookiesOptions } from '../src/cloudfront-cookies.js';

const NAMES = ['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id'];

describe('cloudFrontCookies through a verifying CloudFront stand-in and s3rver', () => {
  let s3: LocalS3;
  let keys: TestKeyPair;
  let edge: CloudFrontEdge;
  const gallery = {
    'u/123/photos/1.png': Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 1)]),
    'u/123/photos/2 été.png': Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 2)]),
    'u/123/notes/readme.txt': Buffer.from('the gallery of user 123\n'),
    'u/456/photos/1.png': Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 9)]),
  };

  before(async function () {
    this.timeout(30_000);
    s3 = await startLocalS3();
    keys = await createTestKeyPair();
    edge = await startCloudFrontEdge({ client: s3.client, bucket: s3.bucket, publicKeys: { [keys.keyPairId]: keys.publicKey } });
    const storage = new S3Storage({ client: s3.client, bucket: s3.bucket });
    for (const [key, bytes] of Object.entries(gallery)) await storage.put(validateKey(key), bytes, { contentType: key.endsWith('.png') ? 'image/png' : 'text/plain' });
  });
  after(async () => {
    await edge?.close();
    await keys?.remove();
    await s3?.stop();
  });

  function cookies(overrides: Partial<CloudFrontCookiesOptions> = {}) {
    return cloudFrontCookies({ keyPairId: keys.keyPairId, privateKey: keys.privateKey, resource: `${edge.url}/u/123/*`, ...overrides });
  }

  /** The Cookie header a browser would send back for these Set-Cookie values. */
  function cookieHeader(setCookie: string[]): string {
    return setCookie.map((line) => line.split(';')[0]).join('; ');
  }

  function urlOf(key: string): string {
    return `${edge.url}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  it('sets the three cookies as session cookies: Secure, HttpOnly, SameSite=Lax, Path from the resource', () => {
    const result = cookies();
    expect(result.setCookie).to.have.length(3);
    for (const [index, line] of result.setCookie.entries()) {
      expect(line).to.equal(`${NAMES[index]}=${result.values[NAMES[index] as keyof typeof result.values]}; Path=/u/123/; HttpOnly; Secure; SameSite=Lax`);
      expect(parseSetCookie(line).maxAge).to.equal(undefined);
      expect(parseSetCookie(line).expires).to.equal(undefined);
    }
  });

  it('persistent cookies carry a Max-Age derived from the expiry like s3Redirect', () => {
    const now = Date.UTC(2026, 5, 1, 10, 0, 0, 400);
    const result = cookies({ expiresIn: 600, now: () => now, persistent: true });
    expect(result.setCookie).to.have.length(3);
    expect(result.expiresAt.toISOString()).to.equal('2026-06-01T10:10:00.000Z');
    expect(result.maxAgeSeconds).to.equal(600 - 1 - 30);
    for (const [index, line] of result.setCookie.entries()) {
      const parsed = parseSetCookie(line);
      expect(parsed.name).to.equal(NAMES[index]);
      expect(parsed.value).to.equal(result.values[NAMES[index] as keyof typeof result.values]);
      expect(parsed.value).to.match(/^[A-Za-z0-9_~-]+$/);
      expect(parsed).to.include({ secure: true, httpOnly: true, sameSite: 'lax', path: '/u/123/', maxAge: 569 });
      expect(parsed.domain).to.equal(undefined);
      expect(line).to.not.match(/[\r\n]/);
    }
    expect(result.values['CloudFront-Key-Pair-Id']).to.equal(keys.keyPairId);
  });

  it('signs a custom policy over the resource pattern that openssl verifies with the public key', async () => {
    const now = Date.UTC(2026, 5, 1, 10, 0, 0);
    const result = cookies({ ipAddress: '127.0.0.0/8', dateGreaterThan: new Date(now - 1000), now: () => now });
    const policy = decodeCloudFrontBase64(result.values['CloudFront-Policy'])?.toString('utf8') ?? '';
    expect(JSON.parse(policy)).to.deep.equal({
      Statement: [
        {
          Resource: `${edge.url}/u/123/*`,
          Condition: {
            DateLessThan: { 'AWS:EpochTime': now / 1000 + 300 },
            DateGreaterThan: { 'AWS:EpochTime': now / 1000 - 1 },
            IpAddress: { 'AWS:SourceIp': '127.0.0.0/8' },
          },
        },
      ],
    });
    expect(await keys.opensslVerifies(policy, result.values['CloudFront-Signature'])).to.equal(true);
    expect(await keys.opensslVerifies(policy.replace('/u/123/', '/u/456/'), result.values['CloudFront-Signature'])).to.equal(false);
  });

  it('opens every file under the pattern with the bytes, and nothing outside it', async () => {
    const header = cookieHeader(cookies().setCookie);
    for (const [key, bytes] of Object.entries(gallery).filter(([key]) => key.startsWith('u/123/'))) {
      const response = await request(urlOf(key), { headers: { Cookie: header } });
      expect(response.status, key).to.equal(200);
      expect(response.body.equals(bytes), key).to.equal(true);
      expect(response.headers['content-type'], key).to.equal(key.endsWith('.png') ? 'image/png' : 'text/plain');
      expect(edge.verdicts.at(-1), key).to.include({ valid: true, kind: 'custom', via: 'cookies' });
    }
    const other = await request(urlOf('u/456/photos/1.png'), { headers: { Cookie: header } });
    expect(other.status).to.equal(403);
    expect(other.body.includes(gallery['u/456/photos/1.png'])).to.equal(false);
    expect(edge.verdicts.at(-1)).to.deep.equal({ valid: false, reason: 'resource mismatch' });
    expect((await request(urlOf('u/123/photos/1.png'))).status).to.equal(403);
    expect(edge.verdicts.at(-1)).to.deep.equal({ valid: false, reason: 'missing signature' });
  });

  it('refuses tampered, expired, not-yet-valid and out-of-range cookies with 403', async () => {
    const good = cookies();
    const url = urlOf('u/123/photos/1.png');
    const send = async (values: Record<string, string>) => {
      const response = await request(url, { headers: { Cookie: Object.entries(values).map(([name, value]) => `${name}=${value}`).join('; ') } });
      expect(response.status).to.equal(403);
      expect(response.body.toString()).to.include('AccessDenied');
      return edge.verdicts.at(-1);
    };
    const swap = (value: string, index: number) => `${value.slice(0, index)}${value[index] === 'A' ? 'B' : 'A'}${value.slice(index + 1)}`;
    expect(await send({ ...good.values, 'CloudFront-Signature': swap(good.values['CloudFront-Signature'], 12) })).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(await send({ ...good.values, 'CloudFront-Policy': swap(good.values['CloudFront-Policy'], 40) })).to.deep.include({ valid: false });
    const widened = Buffer.from(decodeCloudFrontBase64(good.values['CloudFront-Policy'])!.toString().replace('/u/123/*', '/u/*')).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
    expect(await send({ ...good.values, 'CloudFront-Policy': widened })).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(await send({ ...good.values, 'CloudFront-Key-Pair-Id': swap(keys.keyPairId, 2) })).to.deep.equal({ valid: false, reason: 'unknown key pair id' });
    expect(await send(cookies({ now: () => Date.now() - 3_600_000 }).values)).to.deep.equal({ valid: false, reason: 'expired' });
    expect(await send(cookies({ dateGreaterThan: new Date(Date.now() + 3_600_000), expiresIn: 7200 }).values)).to.deep.equal({ valid: false, reason: 'not yet valid' });
    expect(await send(cookies({ ipAddress: '192.0.2.0/24' }).values)).to.deep.equal({ valid: false, reason: 'source ip refused' });
    const { 'CloudFront-Signature': _, ...unsigned } = good.values;
    expect(await send(unsigned)).to.deep.equal({ valid: false, reason: 'missing signature' });
  });

  it('writes Domain, SameSite and Path as asked', () => {
    const result = cookies({ resource: 'https://cdn.example.com/u/123/*', domain: 'example.com', sameSite: 'Strict', path: '/u/' });
    for (const line of result.setCookie) {
      expect(parseSetCookie(line)).to.include({ domain: 'example.com', sameSite: 'strict', path: '/u/', secure: true, httpOnly: true });
    }
    expect(parseSetCookie(cookies({ resource: 'https://cdn.example.com/*' }).setCookie[0] ?? '').path).to.equal('/');
    expect(parseSetCookie(cookies({ resource: 'https://cdn.example.com/u/1?3/*' }).setCookie[0] ?? '').path).to.equal('/u/');
    expect(parseSetCookie(cookies({ resource: 'https://cdn.example.com/a/b.png' }).setCookie[0] ?? '').path).to.equal('/a/');
  });

  it('rejects bad options with CONFIG_INVALID: never a cookie attribute or policy broken by input', async () => {
    for (const bad of [
      { resource: 'http://cdn.example.com/u/123/*' },
      { resource: 'cdn.example.com/u/123/*' },
      { resource: 'https://cdn.example.com/u/1 23/*' },
      { resource: 'https://cdn.example.com/u/"123"/*' },
      { resource: 'https://cdn.example.com/u/été/*' },
      { resource: 'https://cdn.example.com/u/1\r\nSet-Cookie: x=1' },
      { domain: 'example.com; Secure=no' },
      { domain: 'exa mple.com' },
      { path: 'u/123' },
      { path: '/u/123;Domain=evil.com' },
      { path: '/u/\n' },
      { sameSite: 'lax' as never },
      { sameSite: 'toString' as never },
      { ipAddress: '::1' },
      { expiresIn: 20, skewMarginSeconds: 30 },
      { keyPairId: 'K 1' },
      { privateKey: 'nope' },
    ]) {
      const error = await failureOf(Promise.resolve().then(() => cookies(bad)));
      expect(error.code, JSON.stringify(bad)).to.equal('CONFIG_INVALID');
    }
  });
});
