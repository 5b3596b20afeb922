import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationJournal } from './migration-journal.js';

const MD5 = '0123456789abcdef0123456789abcdef';

describe('MigrationJournal', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sendoff-journal-'));
    path = join(dir, 'journal');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one JSON line per entry, all of them when recorded at once', async () => {
    const journal = await MigrationJournal.open(path, 's3://b/p');
    await Promise.all(['a', 'b', 'c', 'd'].map((key, i) => journal.record({ key, size: i, mtimeMs: 10 + i, md5: MD5 })));
    await journal.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.at(-1)).to.equal('');
    const entries = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((entry) => entry.key)).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(entries[2]).to.include({ target: 's3://b/p', key: 'c', size: 2, mtimeMs: 12, md5: MD5 });
  });

  it('answers an entry only for the same target, size and mtime', async () => {
    const journal = await MigrationJournal.open(path, 's3://b/p');
    await journal.record({ key: 'x', size: 5, mtimeMs: 7, md5: MD5 });
    await journal.close();
    const again = await MigrationJournal.read(path, 's3://b/p');
    expect(again.freshEntry('x', 5, 7)?.md5).to.equal(MD5);
    expect(again.freshEntry('x', 6, 7)).to.equal(undefined);
    expect(again.freshEntry('x', 5, 8)).to.equal(undefined);
    expect(again.hasEntry('x')).to.equal(true);
    expect((await MigrationJournal.read(path, 's3://other/p')).size).to.equal(0);
  });

  it('skips a torn last line and starts the next entry on a line of its own', async () => {
    const good = JSON.stringify({ target: 't', key: 'a', size: 1, mtimeMs: 1, md5: MD5 });
    await writeFile(path, `${good}\n{"target":"t","key":"b","si`);
    const journal = await MigrationJournal.open(path, 't');
    expect(journal.size).to.equal(1);
    await journal.record({ key: 'c', size: 3, mtimeMs: 3, md5: MD5 });
    await journal.close();
    const reread = await MigrationJournal.read(path, 't');
    expect(reread.freshEntry('a', 1, 1)).to.not.equal(undefined);
    expect(reread.freshEntry('c', 3, 3)).to.not.equal(undefined);
    expect(reread.hasEntry('b')).to.equal(false);
    expect((await readFile(path, 'utf8')).split('\n')).to.have.length(4);
  });

  it('ignores lines that are JSON but not entries (wrong checksum shape)', async () => {
    await writeFile(path, `${JSON.stringify({ target: 't', key: 'a', size: 1, mtimeMs: 1, md5: 'nope' })}\n[1,2]\n`);
    expect((await MigrationJournal.read(path, 't')).size).to.equal(0);
  });

  it('reads a missing journal as empty without creating it', async () => {
    expect((await MigrationJournal.read(path, 't')).size).to.equal(0);
    let exists = true;
    await readFile(path).catch(() => (exists = false));
    expect(exists).to.equal(false);
  });
});
