import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { SendoffError } from '../errors/sendoff-error.js';
import { isValidKey, MAX_KEY_BYTES, MAX_SEGMENT_BYTES, validateKey } from './validate-key.js';

function rejectionOf(input: unknown): SendoffError {
  try {
    validateKey(input);
  } catch (error) {
    expect(error).to.be.instanceOf(SendoffError);
    return error as SendoffError;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

const HOSTILE: Record<string, unknown[]> = {
  'dot segments': ['..', '.', './', 'a/..', '../a', 'a/../b', 'a/./b', './a', 'a/.'],
  'percent-encoded traversal': ['%2e%2e', '%2E%2E/a', 'a/%2e%2e/b', '%2e', '.%2e', '%2e.', 'a/%2e%2e'],
  'double-encoded traversal': ['%252e%252e', 'a/%252e%252e/b', '%25252e%25252e', '%252E%252E%252Fetc'],
  'encoded separators': ['..%2f', '..%2fetc', 'a%2Fb', 'a%2fb', '%2F', 'a%5cb', '..%5c', 'a%00b', 'a%252fb'],
  'overlong UTF-8 escapes': ['%c0%ae%c0%ae', '%C0%AE%C0%AE/x', '%c1%9c', '%e0%80%ae%e0%80%ae', 'a%c0%afb'],
  'fullwidth and compatibility dots': ['．．', '．．/etc', 'a/．．/b', '\u2025', '\u2024\u2024', '．', '%ef%bc%8e%ef%bc%8e'],
  'fullwidth separators and percent': ['a／b', '..／x', '％２ｅ％２ｅ', 'a＼b'],
  backslashes: ['..\\', '..\\etc', 'a\\b', '\\', 'C:\\Windows', '\\\\server\\share'],
  'NUL and control characters': ['a\u0000b', '\u0000', 'a\nb', 'a\rb', 'a\tb', 'a\u001bb', 'a\u007fb', 'a\u0085b', 'a\u009bb'],
  'absolute paths': ['/etc/passwd', '/', '//server/share', 'C:', 'C:/Windows', 'c:/x'],
  'empty segments and trailing slash': ['', 'a//b', 'a/', 'dir/', '/a', 'a///'],
  'bidirectional and invisible characters': [
    'invoice\u202efdp.exe',
    'a\u202ab',
    'a\u2066b',
    'a\u200bb',
    'a\u200db',
    'a\u200eb',
    '\ufeffa',
    'a\u2060b',
  ],
  'lone surrogates': ['a\ud800b', 'a\udc00', '\udfff', 'x\ud83d'],
  'overlong keys and segments': [
    'a'.repeat(MAX_SEGMENT_BYTES + 1),
    `${'a/'.repeat(MAX_KEY_BYTES / 2)}a`,
    'é'.repeat(Math.floor(MAX_SEGMENT_BYTES / 2) + 1),
    `${'abcd/'.repeat(205)}x`,
  ],
  'non-strings': [undefined, null, 42, ['a'], { toString: () => 'a' }, Buffer.from('a')],
};

describe('validateKey', () => {
  for (const [family, inputs] of Object.entries(HOSTILE)) {
    describe(`rejects ${family}`, () => {
      for (const input of inputs) {
        it(`rejects ${JSON.stringify(typeof input === 'string' ? input.slice(0, 40) : String(input))}`, () => {
          const error = rejectionOf(input);
          expect(error.code).to.equal('INVALID_KEY');
          expect(error.status).to.equal(400);
          expect(error.statusCode).to.equal(400);
          expect(error.expose).to.equal(true);
          expect(error.message).to.match(/^invalid key: /);
          expect(isValidKey(input)).to.equal(false);
        });
      }
    });
  }

  it('names the reason without echoing the input', () => {
    expect(rejectionOf('a/../secret').message).to.equal('invalid key: dot segment');
    expect(rejectionOf('/etc/passwd').message).to.equal('invalid key: absolute path');
    expect(rejectionOf('a\\b').message).to.equal('invalid key: backslash');
    expect(rejectionOf('a//b').message).to.equal('invalid key: empty segment');
    expect(rejectionOf('a%2fb').message).to.equal('invalid key: encoded separator');
  });

  describe('accepts ordinary names', () => {
    const VALID = [
      'a',
      'invoices/2026/11/42.pdf',
      'My Documents/annual report.pdf',
      '100% done.txt',
      'quote"name.txt',
      "it's here.txt",
      'Résumé – final.pdf',
      '日本語/ファイル.txt',
      'emoji 🎉.png',
      'Ωmega/ΔΣ.bin',
      '...',
      '.hidden',
      'a..b',
      '..a',
      'notes: draft.txt',
      'a:b.txt',
      'a%zzb',
      'a'.repeat(MAX_SEGMENT_BYTES),
    ];
    for (const input of VALID) {
      it(`accepts ${JSON.stringify(input.slice(0, 40))}`, () => {
        expect(validateKey(input)).to.equal(input.normalize('NFC'));
        expect(isValidKey(input)).to.equal(true);
      });
    }
  });

  it('accepts a key of exactly the maximum length', () => {
    const key = `${'abcd/'.repeat(204)}${'x'.repeat(MAX_KEY_BYTES - 204 * 5)}`;
    expect(Buffer.byteLength(key)).to.equal(MAX_KEY_BYTES);
    expect(validateKey(key)).to.equal(key);
  });

  it('normalises NFD to NFC, so both spellings are the same key', () => {
    const nfd = 'cafe\u0301/re\u0301sume\u0301.txt';
    const nfc = 'caf\u00e9/r\u00e9sum\u00e9.txt';
    expect(nfd).to.not.equal(nfc);
    expect(validateKey(nfd)).to.equal(nfc);
    expect(validateKey(nfc)).to.equal(nfc);
    expect(Buffer.from(validateKey(nfd), 'utf8').toString('hex')).to.equal(Buffer.from(nfc, 'utf8').toString('hex'));
  });

  it('is idempotent', () => {
    const key = validateKey('Ame\u0301lie/notes.md');
    expect(validateKey(key)).to.equal(key);
  });

  it('property: any accepted key joined to a root stays under the root', () => {
    const root = path.resolve('/srv/files');
    const segmentChars = fc.constantFrom('.', '/', '\\', '%', '2', 'e', 'E', 'f', 'F', 'a', '．', '／', ':', 'C', ' ', '\u0000', 'é', 'e\u0301');
    const hostileString = fc.oneof(
      fc.string({ unit: segmentChars, maxLength: 24 }),
      fc.string({ unit: 'grapheme', maxLength: 24 }),
      fc.string({ unit: 'binary', maxLength: 24 }),
      fc.array(fc.constantFrom('..', '.', '', 'a', '%2e%2e', '%2f', 'b.txt', '．．'), { maxLength: 6 }).map((parts) => parts.join('/')),
    );
    fc.assert(
      fc.property(hostileString, (input) => {
        if (!isValidKey(input)) return true;
        const key = validateKey(input);
        const resolved = path.resolve(root, key);
        const relative = path.relative(root, resolved);
        return (
          resolved.startsWith(root + path.sep) &&
          relative.length > 0 &&
          relative !== '..' &&
          !relative.startsWith(`..${path.sep}`) &&
          !path.isAbsolute(relative) &&
          relative.split(path.sep).join('/') === key
        );
      }),
      { numRuns: 5000 },
    );
  });
});
