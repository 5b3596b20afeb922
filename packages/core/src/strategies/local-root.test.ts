import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Key, ResolvedFile } from '../contracts.js';
import { LocalRoot } from './local-root.js';

function localFile(root: string, filePath: string): ResolvedFile {
  const key = 'k' as Key;
  return {
    key,
    stat: { size: 1, mtime: new Date(0), etag: '"1"' },
    location: { kind: 'local', root, path: filePath, key },
    open: async () => {
      throw new Error('not opened in these tests');
    },
  };
}

describe('LocalRoot', () => {
  let base: string;
  let root: string;

  before(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-local-root-'));
    root = await fsp.realpath(base);
  });

  after(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  describe('segmentsOf', () => {
    const cases: Array<[string, (root: string) => string, string[] | undefined]> = [
      ['a file under the root', (r) => path.join(r, 'a', 'b c.txt'), ['a', 'b c.txt']],
      ['a path with a "." segment, normalised first', (r) => `${r}${path.sep}a${path.sep}.${path.sep}b`, ['a', 'b']],
      ['a path that climbs back in', (r) => `${r}${path.sep}a${path.sep}..${path.sep}b`, ['b']],
      ['a path that climbs out', (r) => `${r}${path.sep}..${path.sep}etc${path.sep}passwd`, undefined],
      ['the root itself', (r) => r, undefined],
      ['the root with a trailing separator', (r) => r + path.sep, undefined],
      ['a sibling whose name starts with the root', (r) => `${r}x${path.sep}a`, undefined],
      ['an unrelated path', () => path.join(os.tmpdir(), 'elsewhere', 'a'), undefined],
    ];
    for (const [title, pathOf, expected] of cases) {
      it(`${title}: ${JSON.stringify(expected)}`, () => {
        expect(new LocalRoot(root, 'test').segmentsOf(localFile(root, pathOf(root)))).to.deep.equal(expected);
      });
    }

    it('an S3 location is not under any local root', () => {
      const file = { ...localFile(root, path.join(root, 'a')), location: { kind: 's3', bucket: 'b', objectKey: 'a', key: 'a' as Key } } as ResolvedFile;
      expect(new LocalRoot(root, 'test').segmentsOf(file)).to.equal(undefined);
    });
  });

  describe('derive', () => {
    it('computes once for repeated questions about one path, again for another path', () => {
      const asked: string[][] = [];
      const valueOf = new LocalRoot(root, 'test').derive((segments) => {
        asked.push([...segments]);
        return segments.join('|');
      });
      const file = localFile(root, path.join(root, 'a', 'b'));
      expect(valueOf(file)).to.equal('a|b');
      expect(valueOf(localFile(root, path.join(root, 'a', 'b')))).to.equal('a|b');
      expect(valueOf(localFile(root, path.join(root, 'c')))).to.equal('c');
      expect(valueOf(localFile(root, path.join(root, '..', 'x')))).to.equal(undefined);
      expect(valueOf(localFile(root, path.join(root, '..', 'x')))).to.equal(undefined);
      expect(asked).to.deep.equal([['a', 'b'], ['c']]);
    });

    it('keeps nothing while the root does not exist, and answers once it does', async () => {
      const later = path.join(root, 'created-later');
      const valueOf = new LocalRoot(later, 'test').derive((segments) => segments.join('/'));
      const file = localFile(later, path.join(later, 'f.txt'));
      expect(valueOf(file)).to.equal(undefined);
      await fsp.mkdir(later);
      expect(valueOf(file)).to.equal('f.txt');
    });
  });
});
