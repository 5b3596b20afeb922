import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { SendoffError } from '../errors/sendoff-error.js';
import { createLinkSigner } from './link-signer.js';
import type { LinkSignerOptions } from './link-signer.js';

const OLD = 'o'.repeat(32);
const NEW = Buffer.alloc(48, 0x5a);
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function signer(overrides: Partial<LinkSignerOptions> = {}, clock = { now: T0 }) {
  return createLinkSigner({ keys: { k2026: NEW, k2025: OLD }, currentKeyId: 'k2026', now: () => clock.now, ...overrides });
}

function failure(action: () => unknown): SendoffError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(SendoffError);
    return error as SendoffError;
  }
  throw new Error('expected an error');
}

function expectInvalid(action: () => unknown, reason: string): void {
  const error = failure(action);
  expect(error.code).to.equal('LINK_INVALID');
  expect(error.status).to.equal(403);
  expect(error.expose).to.equal(true);
  expect(error.message).to.equal('invalid link');
  expect(error.cause).to.equal(reason);
}

/** Replaces the character at `index` with a different base64url character. */
function flip(token: string, index: number): string {
  const current = token[index] as string;
  const replacement = current === 'A' ? 'B' : 'A';
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

function decodeBody(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('createLinkSigner', () => {
  it('signs and verifies a token, carrying key, disposition and file name', () => {
    const links = signer();
    const token = links.sign({ key: 'invoices/2026/Rechnung 42.pdf', disposition: 'inline', filename: 'Rechnung "42".pdf', ttlSeconds: 600 });
    expect(token).to.match(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(decodeBody(token)).to.deep.equal({ v: 1, kid: 'k2026', key: 'invoices/2026/Rechnung 42.pdf', exp: T0 / 1000 + 600, disp: 'inline', fn: 'Rechnung "42".pdf' });
    expect(links.verify(token)).to.deep.equal({
      key: 'invoices/2026/Rechnung 42.pdf',
      disposition: 'inline',
      filename: 'Rechnung "42".pdf',
      expiresAt: new Date(T0 + 600_000),
      keyId: 'k2026',
    });
  });

  it('uses HMAC-SHA256 of the encoded payload with the current secret', () => {
    const token = signer().sign({ key: 'a.txt', ttlSeconds: 60 });
    const [body, signature] = token.split('.') as [string, string];
    expect(signature).to.equal(createHmac('sha256', NEW).update(body).digest('base64url'));
  });

  it('accepts an absolute expiry, rounded up to the second', () => {
    const links = signer();
    const token = links.sign({ key: 'a.txt', expiresAt: new Date(T0 + 1500) });
    expect(links.verify(token).expiresAt).to.deep.equal(new Date(T0 + 2000));
  });

  it('carries any file name as is (control characters included), for the strategy to sanitise', () => {
    const links = signer();
    const filename = 'line\r\nX-Injected: yes.txt';
    expect(links.verify(links.sign({ key: 'a.txt', filename, ttlSeconds: 5 })).filename).to.equal(filename);
  });

  it('leaves out what was not given', () => {
    const links = signer();
    const payload = links.verify(links.sign({ key: 'e\u0301.txt', ttlSeconds: 1 }));
    expect(payload).to.deep.equal({ key: '\u00e9.txt', expiresAt: new Date(T0 + 1000), keyId: 'k2026' });
  });

  it('expires: LINK_EXPIRED 403 from the expiry instant on', () => {
    const clock = { now: T0 };
    const links = signer({}, clock);
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 });
    clock.now = T0 + 59_999;
    expect(links.verify(token).key).to.equal('a.txt');
    clock.now = T0 + 60_000;
    const error = failure(() => links.verify(token));
    expect(error.code).to.equal('LINK_EXPIRED');
    expect(error.status).to.equal(403);
    expect(error.expose).to.equal(true);
    expect(error.message).to.equal('link expired');
  });

  it('rejects a token with one character flipped anywhere in the payload', () => {
    const links = signer();
    const token = links.sign({ key: 'a.txt', filename: 'a.txt', ttlSeconds: 60 });
    const bodyLength = token.indexOf('.');
    for (let index = 0; index < bodyLength; index++) {
      const error = failure(() => links.verify(flip(token, index)));
      expect(error.code, `payload char ${index}`).to.equal('LINK_INVALID');
    }
  });

  it('rejects a token with one character flipped anywhere in the signature, the last one included', () => {
    const links = signer();
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 });
    for (let index = token.indexOf('.') + 1; index < token.length; index++) {
      const error = failure(() => links.verify(flip(token, index)));
      expect(error.code, `signature char ${index}`).to.equal('LINK_INVALID');
      expect(error.status).to.equal(403);
    }
  });

  it('rejects a re-signed payload that changes the key or pushes the expiry', () => {
    const links = signer();
    const token = links.sign({ key: 'a.txt', ttlSeconds: 60 });
    const [, signature] = token.split('.') as [string, string];
    for (const change of [{ key: 'secret.txt' }, { exp: T0 / 1000 + 10 ** 6 }]) {
      const forged = Buffer.from(JSON.stringify({ ...decodeBody(token), ...change })).toString('base64url');
      expectInvalid(() => links.verify(`${forged}.${signature}`), 'bad signature');
    }
  });

  it('rejects an unknown key id', () => {
    const other = createLinkSigner({ keys: { elsewhere: NEW }, currentKeyId: 'elsewhere', now: () => T0 });
    expectInvalid(() => signer().verify(other.sign({ key: 'a.txt', ttlSeconds: 60 })), 'unknown key id');
  });

  it('rejects a token signed with the same kid but another secret', () => {
    const impostor = createLinkSigner({ keys: { k2026: 'x'.repeat(40) }, currentKeyId: 'k2026', now: () => T0 });
    expectInvalid(() => signer().verify(impostor.sign({ key: 'a.txt', ttlSeconds: 60 })), 'bad signature');
  });

  for (const [title, token] of [
    ['an empty string', ''],
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['an empty signature', 'eyJ2IjoxfQ.'],
    ['padding', 'eyJ2IjoxfQ==.abcd'],
    ['standard base64 characters', 'ab+/.cd'],
    ['a payload that is not JSON', `${Buffer.from('not json').toString('base64url')}.${'A'.repeat(43)}`],
    ['a payload of another version', `${Buffer.from('{"v":2,"kid":"k2026","key":"a","exp":1}').toString('base64url')}.${'A'.repeat(43)}`],
    ['a huge token', `${'A'.repeat(9000)}.${'A'.repeat(43)}`],
  ] as const) {
    it(`rejects a malformed token: ${title}`, () => {
      expectInvalid(() => signer().verify(token), 'malformed');
    });
  }

  it('rejects a validly signed payload whose key is not a key', () => {
    const body = Buffer.from(JSON.stringify({ v: 1, kid: 'k2026', key: '../etc/passwd', exp: T0 / 1000 + 60 })).toString('base64url');
    const token = `${body}.${createHmac('sha256', NEW).update(body).digest('base64url')}`;
    expectInvalid(() => signer().verify(token), 'malformed');
  });

  it('rejects a non-string token', () => {
    expectInvalid(() => signer().verify(42 as unknown as string), 'malformed');
  });

  describe('key rotation', () => {
    it('keeps verifying tokens of an old kid while it is configured, and stops once removed', () => {
      const before = createLinkSigner({ keys: { k2025: OLD }, currentKeyId: 'k2025', now: () => T0 });
      const oldToken = before.sign({ key: 'a.txt', ttlSeconds: 3600 });
      const during = signer();
      expect(during.verify(oldToken)).to.deep.equal({ key: 'a.txt', expiresAt: new Date(T0 + 3_600_000), keyId: 'k2025' });
      expect(decodeBody(during.sign({ key: 'a.txt', ttlSeconds: 60 })).kid).to.equal('k2026');
      const after = createLinkSigner({ keys: { k2026: NEW }, currentKeyId: 'k2026', now: () => T0 });
      expectInvalid(() => after.verify(oldToken), 'unknown key id');
    });
  });

  describe('input validation', () => {
    const badSign: Array<[string, unknown, string]> = [
      ['neither ttl nor expiry', { key: 'a.txt' }, 'cannot sign link: give exactly one of expiresAt and ttlSeconds'],
      ['both ttl and expiry', { key: 'a.txt', ttlSeconds: 5, expiresAt: new Date(T0 + 5000) }, 'cannot sign link: give exactly one of expiresAt and ttlSeconds'],
      ['a zero ttl', { key: 'a.txt', ttlSeconds: 0 }, 'cannot sign link: ttlSeconds must be a positive number'],
      ['a negative ttl', { key: 'a.txt', ttlSeconds: -5 }, 'cannot sign link: ttlSeconds must be a positive number'],
      ['a NaN ttl', { key: 'a.txt', ttlSeconds: Number.NaN }, 'cannot sign link: ttlSeconds must be a positive number'],
      ['a ttl over the maximum', { key: 'a.txt', ttlSeconds: 7 * 24 * 3600 + 1 }, 'cannot sign link: the link would live longer than the maximum of 604800 seconds'],
      ['an expiry in the past', { key: 'a.txt', expiresAt: new Date(T0 - 1) }, 'cannot sign link: expiresAt must be in the future'],
      ['an invalid date', { key: 'a.txt', expiresAt: new Date('nope') }, 'cannot sign link: expiresAt must be a valid Date'],
      ['a bad disposition', { key: 'a.txt', ttlSeconds: 5, disposition: 'download' }, 'cannot sign link: disposition must be "inline" or "attachment"'],
      ['an empty file name', { key: 'a.txt', ttlSeconds: 5, filename: '' }, 'cannot sign link: filename must be a non-empty string of at most 1024 bytes'],
      ['an overlong file name', { key: 'a.txt', ttlSeconds: 5, filename: 'é'.repeat(513) }, 'cannot sign link: filename must be a non-empty string of at most 1024 bytes'],
    ];
    for (const [title, input, message] of badSign) {
      it(`refuses to sign with ${title}`, () => {
        const error = failure(() => signer().sign(input as never));
        expect(error.code).to.equal('BAD_REQUEST');
        expect(error.status).to.equal(400);
        expect(error.message).to.equal(message);
      });
    }

    it('refuses to sign an invalid key with INVALID_KEY 400', () => {
      const error = failure(() => signer().sign({ key: 'a/../b', ttlSeconds: 5 }));
      expect(error.code).to.equal('INVALID_KEY');
      expect(error.status).to.equal(400);
    });

    it('honours a configured maximum ttl', () => {
      const links = signer({ maxTtlSeconds: 60 });
      expect(links.verify(links.sign({ key: 'a.txt', ttlSeconds: 60 })).key).to.equal('a.txt');
      expect(failure(() => links.sign({ key: 'a.txt', ttlSeconds: 61 })).message).to.equal('cannot sign link: the link would live longer than the maximum of 60 seconds');
    });

    const badConfig: Array<[string, unknown, string]> = [
      ['no keys', { keys: {}, currentKeyId: 'a' }, 'link signer: keys must map at least one key id to a secret'],
      ['a short string secret', { keys: { a: 'x'.repeat(31) }, currentKeyId: 'a' }, 'link signer: the secret of key id "a" has 31 bytes, at least 32 are needed'],
      ['a short Buffer secret', { keys: { a: Buffer.alloc(16) }, currentKeyId: 'a' }, 'link signer: the secret of key id "a" has 16 bytes, at least 32 are needed'],
      ['an empty string secret', { keys: { a: '' }, currentKeyId: 'a' }, 'link signer: the secret of key id "a" has 0 bytes, at least 32 are needed'],
      ['an empty Buffer secret', { keys: { a: Buffer.alloc(0) }, currentKeyId: 'a' }, 'link signer: the secret of key id "a" has 0 bytes, at least 32 are needed'],
      ['a secret of the wrong type', { keys: { a: 42 }, currentKeyId: 'a' }, 'link signer: the secret of key id "a" must be a string or a Buffer'],
      ['a bad key id', { keys: { 'a b': OLD }, currentKeyId: 'a b' }, 'link signer: key id "a b" must be 1-64 characters of A-Z a-z 0-9 . _ -'],
      ['an unknown current key id', { keys: { a: OLD }, currentKeyId: 'b' }, 'link signer: currentKeyId "b" is not one of the configured keys'],
      ['a non-positive max ttl', { keys: { a: OLD }, currentKeyId: 'a', maxTtlSeconds: 0 }, 'link signer: maxTtlSeconds must be a positive number'],
    ];
    for (const [title, options, message] of badConfig) {
      it(`refuses a configuration with ${title}`, () => {
        const error = failure(() => createLinkSigner(options as LinkSignerOptions));
        expect(error.code).to.equal('CONFIG_INVALID');
        expect(error.status).to.equal(500);
        expect(error.message).to.equal(message);
      });
    }

    it('counts the UTF-8 bytes of a string secret', () => {
      expect(() => createLinkSigner({ keys: { a: 'é'.repeat(16) }, currentKeyId: 'a' })).to.not.throw();
    });
  });
});
