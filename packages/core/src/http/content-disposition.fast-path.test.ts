import { expect } from 'chai';
import fc from 'fast-check';
import type { Disposition } from '../contracts.js';
import { contentDisposition, formatContentDisposition } from './content-disposition.js';

function expectSameAsGeneralPath(filename: string, disposition: Disposition): void {
  expect(contentDisposition(filename, disposition)).to.equal(formatContentDisposition(filename, disposition));
}

// Characters some rule looks at: quotes, escapes, separators, dots, controls, spaces, Latin-1,
// combining marks, fullwidth and invisible forms, surrogates, emoji.
const TRICKY = ['a', 'Z', '0', '.', ' ', '"', '\\', '/', '%', '4', '1', ';', '=', '*', "'", '\u0000', '\r', '\n', '\t', '\u007f', '\u0085', 'é', 'e\u0301', 'ß', '\u00a0', '／', '．', '\u202e', '\u200b', '\ud800', '📄'];
const DISPOSITIONS: Disposition[] = ['attachment', 'inline'];

describe('contentDisposition fast path', () => {
  it('writes plain names directly, as the general path does', () => {
    const names = ['large.bin', 'report 2026 (final).pdf', "it's [a] {b} <c> @d, ok#1!.txt", '.hidden', 'a..b', '  spaced  .txt', '~$x', 'x:y;z=w'];
    for (const name of names) {
      expect(contentDisposition(name, 'attachment')).to.equal(`attachment; filename="${name}"`);
      expect(contentDisposition(name, 'inline')).to.equal(`inline; filename="${name}"`);
      for (const disposition of DISPOSITIONS) expectSameAsGeneralPath(name, disposition);
    }
  });

  it('leaves quotes, backslashes, slashes, percent signs and dot-only names to the general path', () => {
    expect(contentDisposition('a"b.txt', 'attachment')).to.equal('attachment; filename="a\\"b.txt"');
    expect(contentDisposition('a%41.txt', 'attachment')).to.equal(formatContentDisposition('a%41.txt', 'attachment'));
    expect(contentDisposition('a%41.txt', 'attachment')).to.include("filename*=UTF-8''");
    expect(contentDisposition('..', 'inline')).to.equal('inline; filename="download"');
    expect(contentDisposition('a/b.txt', 'inline')).to.equal('inline; filename="a_b.txt"');
    expect(contentDisposition('', 'attachment')).to.equal('attachment; filename="download"');
  });

  it('property: same header as the general path for names of tricky characters', () => {
    const name = fc.array(fc.constantFrom(...TRICKY), { maxLength: 20 }).map((parts) => parts.join(''));
    fc.assert(fc.property(name, fc.constantFrom(...DISPOSITIONS), expectSameAsGeneralPath), { numRuns: 20000 });
  });

  it('property: same header as the general path for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...DISPOSITIONS), expectSameAsGeneralPath), { numRuns: 5000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), fc.constantFrom(...DISPOSITIONS), expectSameAsGeneralPath), { numRuns: 5000 });
  });
});
