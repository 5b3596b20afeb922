import { OutgoingMessage } from 'node:http';
import { expect } from 'chai';
import { parse } from 'content-disposition';
import fc from 'fast-check';
import { asciiFallback, contentDisposition, MAX_FILENAME_BYTES, sanitizeFilename } from './content-disposition.js';

/** Throws exactly as `res.setHeader` would on a value Node refuses. */
function assertNodeAccepts(value: string): void {
  new OutgoingMessage().setHeader('Content-Disposition', value);
}

function readBack(header: string): { type: string; filename: string | undefined } {
  const parsed = parse(header);
  return { type: parsed.type, filename: parsed.parameters['filename'] };
}

function printable(value: string): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const CORPUS: Array<[input: string, expected: string]> = [
  ['report.pdf', 'report.pdf'],
  ['Résumé – naïve.pdf', 'Résumé – naïve.pdf'],
  ['100% done #1?.txt', '100% done #1?.txt'],
  ['quote"and\\backslash.txt', 'quote"and_backslash.txt'],
  ['plus+sign.txt', 'plus+sign.txt'],
  ['semi;colon=value.txt', 'semi;colon=value.txt'],
  ['percent%41encoded.txt', 'percent%41encoded.txt'],
  ['emoji 📄🎉.txt', 'emoji 📄🎉.txt'],
  ['日本語のファイル.csv', '日本語のファイル.csv'],
  ['a/b/c.txt', 'a_b_c.txt'],
  ['..\\..\\windows\\win.ini', '.._.._windows_win.ini'],
  ['../../etc/passwd', '.._.._etc_passwd'],
  ['evil\r\nSet-Cookie: a=b.txt', 'evil__Set-Cookie: a=b.txt'],
  ['nul\u0000byte.txt', 'nul_byte.txt'],
  ['tab\tand\u007fdel\u0085nel.txt', 'tab_and_del_nel.txt'],
  ['invoice\u202Efdp.exe', 'invoice_fdp.exe'],
  ['lone\ud800surrogate.txt', 'lone_surrogate.txt'],
  ["it's (a) [test] {x} <y> @z, ok.txt", "it's (a) [test] {x} <y> @z, ok.txt"],
  ['  spaced  .txt', '  spaced  .txt'],
  ['', 'download'],
  ['.', 'download'],
  ['..', 'download'],
  ['e\u0301cole.txt', 'école.txt'],
];

describe('contentDisposition', () => {
  for (const [input, expected] of CORPUS) {
    it(`round-trips ${printable(input)}`, () => {
      const header = contentDisposition(input, 'attachment');
      assertNodeAccepts(header);
      expect(header).to.match(/^[\x20-\x7e]+$/);
      expect(readBack(header)).to.deep.equal({ type: 'attachment', filename: expected });
      expect(sanitizeFilename(input)).to.equal(expected);
    });
  }

  it('writes a plain quoted filename for ASCII names', () => {
    expect(contentDisposition('report.pdf', 'inline')).to.equal('inline; filename="report.pdf"');
    expect(contentDisposition('quote"x.txt', 'attachment')).to.equal('attachment; filename="quote\\"x.txt"');
  });

  it("adds filename*=UTF-8'' with an ASCII fallback for other names", () => {
    expect(contentDisposition('Résumé – naïve.pdf', 'attachment')).to.equal(
      "attachment; filename=\"Resume _ naive.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%80%93%20na%C3%AFve.pdf",
    );
  });

  it('adds filename* when the ASCII name looks percent-encoded', () => {
    expect(contentDisposition('a%41.txt', 'attachment')).to.equal(
      "attachment; filename=\"a%41.txt\"; filename*=UTF-8''a%2541.txt",
    );
  });

  it('keeps separators out of the ASCII fallback, even fullwidth ones', () => {
    expect(asciiFallback('a\uff0fb\uff3cc.txt')).to.equal('a_b_c.txt');
    expect(readBack(contentDisposition('a\uff0fb.txt', 'attachment')).filename).to.equal('a\uff0fb.txt');
    expect(asciiFallback('\uff0e\uff0e')).to.equal('download');
  });

  it('reads the fallback alone as an ASCII name', () => {
    const header = contentDisposition('Ωmega.txt', 'attachment');
    const fallback = /filename="([^"]*)"/.exec(header)?.[1];
    expect(fallback).to.equal('_mega.txt');
  });

  it('always produces a header Node accepts that parses back to the sanitised name', () => {
    const names = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: fc.constantFrom('"', '\\', '/', '%', ';', '\r', '\n', '\0', 'é', '📄', ' ', 'a', '4', '1'), maxLength: 40 }),
    );
    fc.assert(
      fc.property(names, fc.constantFrom('inline' as const, 'attachment' as const), (name, disposition) => {
        const header = contentDisposition(name, disposition);
        assertNodeAccepts(header);
        const back = readBack(header);
        expect(back.type).to.equal(disposition);
        expect(back.filename).to.equal(sanitizeFilename(name));
        expect(back.filename).to.not.match(/[\u0000-\u001f\u007f/\\]/);
        expect(back.filename).to.have.length.greaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('contentDisposition: names that grow after the length check', () => {
  const within = (name: string): string => {
    expect(Buffer.byteLength(name)).to.be.at.most(MAX_FILENAME_BYTES);
    return contentDisposition(name, 'attachment');
  };

  it('cuts an ASCII fallback that folding made longer than 255 characters, keeping the extension', () => {
    const header = within('\uFDFA'.repeat(300) + '.pdf');
    const fallback = /filename="([^"]*)"/.exec(header)?.[1] ?? '';
    expect(fallback.length).to.be.at.most(255);
    expect(fallback.endsWith('.pdf')).to.equal(true);
    expect(parse(header).parameters['filename']).to.equal('\uFDFA'.repeat(300) + '.pdf');
  });

  it('cuts a name that NFC normalisation made longer than the limit to whole code points, keeping the extension', () => {
    const name = '\u{1D160}'.repeat(254) + '.pdf';
    const parsed = parse(within(name)).parameters['filename'] ?? '';
    expect(Buffer.byteLength(parsed)).to.be.at.most(MAX_FILENAME_BYTES);
    expect(parsed.endsWith('.pdf')).to.equal(true);
    expect(parsed).to.not.match(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('keeps the header of any accepted name under 4 KiB, the worst cases included', () => {
    const worst = ['\uFDFA'.repeat(341), '\u{1D160}'.repeat(256), '"'.repeat(1024), '%'.repeat(1024), '\u0344'.repeat(512)];
    for (const name of worst) expect(Buffer.byteLength(within(name), 'latin1'), name.slice(0, 2)).to.be.below(4096);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\uFDFA', '\u{1D160}', '"', '%', 'é', '\u0344', 'a', '.', '\u2026'), { minLength: 200, maxLength: 1024 }), (parts) => {
        let name = '';
        for (const part of parts) if (Buffer.byteLength(name + part) <= MAX_FILENAME_BYTES) name += part;
        expect(Buffer.byteLength(within(name), 'latin1')).to.be.below(4096);
      }),
      { numRuns: 50 },
    );
  });
});
