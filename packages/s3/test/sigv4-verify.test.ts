import { expect } from 'chai';
import { verifyPresignedUrl } from './sigv4-verify.js';

// The worked example of AWS's "Authenticating Requests: Using Query Parameters" (SigV4) page.
const AWS_EXAMPLE =
  'https://examplebucket.s3.amazonaws.com/test.txt' +
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
  '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('independent SigV4 verifier', () => {
  it("accepts AWS's published example URL", () => {
    expect(verifyPresignedUrl(AWS_EXAMPLE, { secretAccessKey: SECRET, method: 'GET' })).to.include({ valid: true });
  });

  it('rejects it with another secret, another method, another key or another expiry', () => {
    expect(verifyPresignedUrl(AWS_EXAMPLE, { secretAccessKey: `${SECRET}x`, method: 'GET' })).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(verifyPresignedUrl(AWS_EXAMPLE, { secretAccessKey: SECRET, method: 'HEAD' })).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(verifyPresignedUrl(AWS_EXAMPLE.replace('test.txt', 'test2.txt'), { secretAccessKey: SECRET, method: 'GET' })).to.deep.equal({ valid: false, reason: 'signature mismatch' });
    expect(verifyPresignedUrl(AWS_EXAMPLE.replace('Expires=86400', 'Expires=86401'), { secretAccessKey: SECRET, method: 'GET' })).to.deep.equal({ valid: false, reason: 'signature mismatch' });
  });

  it('checks the expiry window against a given instant', () => {
    const signedAt = Date.UTC(2013, 4, 24);
    expect(verifyPresignedUrl(AWS_EXAMPLE, { secretAccessKey: SECRET, method: 'GET', nowMs: signedAt + 86_399_000 })).to.include({ valid: true });
    expect(verifyPresignedUrl(AWS_EXAMPLE, { secretAccessKey: SECRET, method: 'GET', nowMs: signedAt + 86_400_000 })).to.deep.equal({ valid: false, reason: 'expired' });
    expect(verifyPresignedUrl(AWS_EXAMPLE, { secretAccessKey: SECRET, method: 'GET', nowMs: signedAt - 1000 })).to.deep.equal({ valid: false, reason: 'not yet valid' });
  });

  it('rejects URLs missing a parameter or with one repeated', () => {
    expect(verifyPresignedUrl(AWS_EXAMPLE.replace(/&X-Amz-Signature=.*/, ''), { secretAccessKey: SECRET, method: 'GET' })).to.include({ valid: false });
    expect(verifyPresignedUrl(`${AWS_EXAMPLE}&X-Amz-Expires=1`, { secretAccessKey: SECRET, method: 'GET' })).to.include({ valid: false });
  });
});
