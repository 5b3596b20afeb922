import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceSection, writeSection } from './results-file.js';

const DOCUMENT = ['# Benchmark results', '', '## Direct stream', '', 'old figures', '', '## S3 presign', '', 'theirs', ''].join('\n');

describe('results file sections', () => {
  it('replaces only the named section and keeps the next one byte for byte', () => {
    const updated = replaceSection(DOCUMENT, 'Direct stream', '## Direct stream\n\nnew figures\n');
    expect(updated).to.equal(['# Benchmark results', '', '## Direct stream', '', 'new figures', '', '## S3 presign', '', 'theirs', ''].join('\n'));
  });

  it('replaces a last section up to the end of the file', () => {
    const updated = replaceSection(DOCUMENT, 'S3 presign', '## S3 presign\n\nnewer');
    expect(updated).to.equal(['# Benchmark results', '', '## Direct stream', '', 'old figures', '', '## S3 presign', '', 'newer', ''].join('\n'));
  });

  it('appends a section that is not there yet', () => {
    const updated = replaceSection('# Benchmark results\n', 'Direct stream', '## Direct stream\n\nfigures');
    expect(updated).to.equal('# Benchmark results\n\n## Direct stream\n\nfigures\n');
  });

  describe('on disk', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sendoff-results-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('creates the file with a title when it is missing', async () => {
      const file = join(dir, 'RESULTS.md');
      await writeSection(file, 'Direct stream', '## Direct stream\n\nfigures');
      expect(await readFile(file, 'utf8')).to.equal('# Benchmark results\n\n## Direct stream\n\nfigures\n');
    });

    it('re-reads the file so another section written meanwhile survives', async () => {
      const file = join(dir, 'RESULTS.md');
      await writeFile(file, DOCUMENT);
      await writeSection(file, 'Direct stream', '## Direct stream\n\nnew figures');
      const text = await readFile(file, 'utf8');
      expect(text).to.contain('new figures').and.to.contain('## S3 presign\n\ntheirs\n').and.not.to.contain('old figures');
    });
  });
});
