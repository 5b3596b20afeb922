import { generateKeyPairSync, sign } from 'node:crypto';
import { expect } from 'chai';
import { cannedPolicy, decodeCloudFrontBase64, matchesResource, verifyCloudFrontRequest } from './cloudfront-verify.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEYS = { KTEST: publicKey };
const NOW = Date.UTC(2026, 5, 1, 10, 0, 0);
const EXPIRES = NOW / 1000 + 60;

/** CloudFront's base64 of a signature made here with node:crypto alone. */
function cloudFrontSignature(policy: string): string {
  return sign('sha1', Buffer.from(policy), privateKey).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

describe('verifyCloudFrontRequest (the test kit\'s CloudFront checks)', () => {
  const resource = 'https://d.example/a%20b.txt?response-content-type=text%2Fplain';
  const signature = cloudFrontSignature(cannedPolicy(resource, EXPIRES));
  const signed = `${resource}&Expires=${EXPIRES}&Signature=${signature}&Key-Pair-Id=KTEST`;

  it('accepts a canned-policy URL signed with the private key, and reads the resource without the signature parameters', () => {
    const verdict = verifyCloudFrontRequest({ url: signed, sourceIp: '127.0.0.1' }, KEYS, NOW);
    expect(verdict).to.include({ valid: true, kind: 'canned', via: 'url', resource });
  });

  it('refuses it expired, with another key id, another resource or expiry, and without a signature', () => {
    const check = (url: string, now = NOW) => verifyCloudFrontRequest({ url, sourceIp: '127.0.0.1' }, KEYS, now);
    expect(check(signed, EXPIRES * 1000)).to.deep.equal({ valid: false, reason: 'expired' });
    expect(check(signed.replace('KTEST', 'KOTHER'))).to.deep.equal({ valid: false, reason: 'unknown key pair id' });
    expect(check(signed.replace('a%20b', 'a%20c'))).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(check(signed.replace(`Expires=${EXPIRES}`, `Expires=${EXPIRES + 1}`))).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(check(resource)).to.deep.equal({ valid: false, reason: 'missing signature' });
  });

  it('checks a custom policy from cookies: resource pattern, not-before date and source range', () => {
    const policy = JSON.stringify({ Statement: [{ Resource: 'https://d.example/u/1/*', Condition: { DateLessThan: { 'AWS:EpochTime': EXPIRES }, DateGreaterThan: { 'AWS:EpochTime': NOW / 1000 - 10 }, IpAddress: { 'AWS:SourceIp': '10.1.0.0/16' } } }] });
    const cookies = {
      'CloudFront-Policy': Buffer.from(policy).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~'),
      'CloudFront-Signature': cloudFrontSignature(policy),
      'CloudFront-Key-Pair-Id': 'KTEST',
    };
    const check = (url: string, sourceIp: string, now = NOW) => verifyCloudFrontRequest({ url, cookies, sourceIp }, KEYS, now);
    expect(check('https://d.example/u/1/x/y.png', '10.1.200.3')).to.include({ valid: true, kind: 'custom', via: 'cookies' });
    expect(check('https://d.example/u/2/y.png', '10.1.200.3')).to.deep.equal({ valid: false, reason: 'resource mismatch' });
    expect(check('https://d.example/u/1/y.png', '10.2.0.1')).to.deep.equal({ valid: false, reason: 'source ip refused' });
    expect(check('https://d.example/u/1/y.png', '10.1.0.1', NOW - 20_000)).to.deep.equal({ valid: false, reason: 'not yet valid' });
  });

  it('matches resource patterns as CloudFront does: * any run, ? one character, the rest literal', () => {
    expect(matchesResource('https://d.example/u/*', 'https://d.example/u/a/b?c=d')).to.equal(true);
    expect(matchesResource('https://d.example/u/?.png', 'https://d.example/u/1.png')).to.equal(true);
    expect(matchesResource('https://d.example/u/?.png', 'https://d.example/u/12.png')).to.equal(false);
    expect(matchesResource('https://d.example/a.txt', 'https://d.exampleXa.txt')).to.equal(false);
    expect(matchesResource('https://d.example/a+(b)', 'https://d.example/a+(b)')).to.equal(true);
  });

  it('reads CloudFront base64 only in its exact form', () => {
    expect(decodeCloudFrontBase64('AB-~__')).to.equal(undefined);
    expect(decodeCloudFrontBase64('AB-~')?.toString('base64')).to.equal('AB+/');
    expect(decodeCloudFrontBase64('QQ__')?.toString()).to.equal('A');
    expect(decodeCloudFrontBase64('QQ==')).to.equal(undefined);
  });
});
