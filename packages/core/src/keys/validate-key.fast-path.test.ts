import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_KEY_BYTES, MAX_SEGMENT_BYTES, validateKey, validateKeyFully } from './validate-key.js';

/** What a validation gives: the key, or the error's code and message. */
function outcome(validate: (input: unknown) => string, input: unknown): { key: string } | { code: string; message: string } {
  try {
    return { key: validate(input) };
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

function expectSameAsFullChecks(input: unknown): void {
  expect(outcome(validateKey, input)).to.deep.equal(outcome(validateKeyFully, input));
}

// Characters that matter to some check: separators, dots, escapes, drive letters, controls,
// fullwidth and invisible forms, accents, surrogates; plus ordinary letters.
const TRICKY = ['/', '.', '%', '2', 'e', 'E', 'f', 'c', '0', 'a', 'C', ':', '\\', ' ', '\u0000', '\n', '\u007f', '\u0085', 'é', 'e\u0301', '．', '／', '％', '\u202e', '\u200b', '\ud800', '\udc00', '📄', '~', '"', '*'];

describe('validateKey fast path', () => {
  it('accepts plain ASCII keys unchanged', () => {
    for (const key of ['large/large.bin', 'invoices/2026/11/42.pdf', 'a', 'a b/c (1).txt', '...', 'a/..b/.c', "it's [x] {y} @z!.txt"]) {
      expect(validateKey(key)).to.equal(key);
      expectSameAsFullChecks(key);
    }
  });

  it('leaves everything else to the full checks, with their messages', () => {
    for (const key of ['', '/a', 'a/', 'a//b', '.', '..', 'a/./b', 'a/../b', 'C:', 'c:/x', 'a:b', 'a%2fb', 'a\\b', 'a\tb', 'é.txt', 'a'.repeat(MAX_SEGMENT_BYTES + 1), `${'a/'.repeat(MAX_KEY_BYTES / 2)}a`, 42, null]) {
      expectSameAsFullChecks(key);
    }
    expect(outcome(validateKey, 'a'.repeat(MAX_SEGMENT_BYTES))).to.deep.equal({ key: 'a'.repeat(MAX_SEGMENT_BYTES) });
    expect(outcome(validateKey, '../etc/passwd')).to.deep.equal({ code: 'INVALID_KEY', message: 'invalid key: dot segment' });
  });

  it('property: same answer as the full checks for strings of tricky characters', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TRICKY), { maxLength: 24 }).map((parts) => parts.join('')), expectSameAsFullChecks), { numRuns: 20000 });
  });

  it('property: same answer as the full checks for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), expectSameAsFullChecks), { numRuns: 5000 });
    fc.assert(fc.property(fc.string({ maxLength: 1300 }), expectSameAsFullChecks), { numRuns: 2000 });
  });

  it('property: same answer as the full checks around the length limits', () => {
    const segment = fc.string({ unit: fc.constantFrom('a', '.', ' ', 'é'), minLength: 1, maxLength: MAX_SEGMENT_BYTES + 2 });
    fc.assert(fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }).map((segments) => segments.join('/')), expectSameAsFullChecks), { numRuns: 2000 });
  });
});
