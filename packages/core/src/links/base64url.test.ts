import { expect } from 'chai';
import { isCanonicalBase64url } from './base64url.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('isCanonicalBase64url', () => {
  it('accepts what Buffer encodes, for every length remainder', () => {
    for (const length of [1, 2, 3, 31, 32, 33]) {
      const encoded = Buffer.alloc(length, 0xa7).toString('base64url');
      expect(isCanonicalBase64url(encoded), encoded).to.equal(true);
    }
  });

  it('refuses every other last character that decodes to the same bytes', () => {
    const signature = Buffer.alloc(32, 0x5c).toString('base64url');
    const others = [...ALPHABET].filter((c) => c !== signature.at(-1)).map((c) => signature.slice(0, -1) + c);
    const sameBytes = others.filter((other) => Buffer.from(other, 'base64url').equals(Buffer.from(signature, 'base64url')));
    expect(sameBytes).to.have.length(3);
    for (const other of sameBytes) expect(isCanonicalBase64url(other), other).to.equal(false);
  });

  for (const [title, value] of [
    ['an empty string', ''],
    ['padding', 'YQ=='],
    ['standard base64 characters', 'a+/b'],
    ['white space', 'YW Jj'],
    ['a single character (no whole byte)', 'Y'],
  ] as const) {
    it(`refuses ${title}`, () => {
      expect(isCanonicalBase64url(value)).to.equal(false);
    });
  }
});
