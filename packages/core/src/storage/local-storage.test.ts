import { execFileSync } from 'node:child_process';
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { Key } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { LocalStorage } from './local-storage.js';
import { failureOf } from '@sendoff-tools/test-kit';

const k = (value: string) => value as Key;

describe('LocalStorage', () => {
  let base: string;
  let root: string;
  let outside: string;
  let storage: LocalStorage;

  beforeEach(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-local-'));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    await fsp.mkdir(path.join(root, 'docs'), { recursive: true });
    await fsp.mkdir(outside);
    await fsp.writeFile(path.join(root, 'docs', 'hello.txt'), 'hello, world');
    await fsp.writeFile(path.join(root, 'digits.bin'), '0123456789');
    await fsp.writeFile(path.join(outside, 'secret.txt'), 'top secret');
    storage = new LocalStorage({ root });
  });

  afterEach(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  it('declares the local location kind', () => {
    expect(storage.locationKinds).to.deep.equal(['local']);
  });

  it('refuses an empty root', () => {
    expect(() => new LocalStorage({ root: '' })).to.throw(SendoffError).with.property('code', 'CONFIG_INVALID');
  });

  describe('stat', () => {
    it('gives size, mtime, a strong quoted etag and the content type', async () => {
      const when = new Date('2026-01-02T03:04:05.678Z');
      await fsp.utimes(path.join(root, 'docs', 'hello.txt'), when, when);
      const stat = await storage.stat(k('docs/hello.txt'));
      expect(stat.size).to.equal(12);
      expect(stat.mtime.getTime()).to.equal(when.getTime());
      expect(stat.etag).to.equal(`"c-${when.getTime().toString(16)}"`);
      expect(stat.contentType).to.equal('text/plain; charset=utf-8');
    });

    it('leaves the content type out for an unknown extension', async () => {
      await fsp.writeFile(path.join(root, 'blob.unknownext'), 'x');
      const stat = await storage.stat(k('blob.unknownext'));
      expect(stat.contentType).to.equal(undefined);
      expect(stat.etag).to.match(/^"1-[0-9a-f]+"$/);
    });

    for (const [label, key] of [
      ['a missing file', 'nope.txt'],
      ['a missing directory', 'nope/file.txt'],
      ['a directory', 'docs'],
      ['a path through a file', 'digits.bin/x'],
    ] as const) {
      it(`answers NOT_FOUND 404 for ${label}, without a path in the message`, async () => {
        const error = await failureOf(storage.stat(k(key)));
        expect(error.code).to.equal('NOT_FOUND');
        expect(error.status).to.equal(404);
        expect(error.expose).to.equal(true);
        expect(error.message).to.equal('file not found');
      });
    }

    it('trusts the Key it is given (validated once, where it was made): a string cast past validateKey still reaches nothing outside the root', async () => {
      for (const read of [() => storage.stat(k('../outside/secret.txt')), () => storage.locate(k('../outside/secret.txt')), () => storage.open(k('../outside/secret.txt'))]) {
        const error = await failureOf(read());
        expect(error.code).to.equal('NOT_FOUND');
        expect(error.status).to.equal(404);
        expect(error.message).to.equal('file not found');
      }
    });

    it('answers NOT_FOUND when the root does not exist', async () => {
      const missing = new LocalStorage({ root: path.join(base, 'missing-root') });
      expect((await failureOf(missing.stat(k('a.txt')))).code).to.equal('NOT_FOUND');
    });
  });

  describe('symlinks', () => {
    it('treats a symlink pointing outside the root as NOT_FOUND (stat, open, locate)', async () => {
      await fsp.symlink(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'));
      for (const attempt of [() => storage.stat(k('escape.txt')), () => storage.open(k('escape.txt')), () => storage.locate(k('escape.txt'))]) {
        const error = await failureOf(attempt());
        expect(error.code).to.equal('NOT_FOUND');
        expect(error.status).to.equal(404);
        expect(error.message).to.not.include(base);
      }
    });

    it('treats a directory symlink pointing outside the root as NOT_FOUND', async () => {
      await fsp.symlink(outside, path.join(root, 'elsewhere'));
      const error = await failureOf(storage.open(k('elsewhere/secret.txt')));
      expect(error.code).to.equal('NOT_FOUND');
    });

    it('follows a symlink that stays inside the root and reports the real path', async () => {
      await fsp.symlink(path.join(root, 'docs', 'hello.txt'), path.join(root, 'alias.txt'));
      expect(await text(await storage.open(k('alias.txt')))).to.equal('hello, world');
      const location = await storage.locate(k('alias.txt'));
      expect(location.path).to.equal(path.join(await fsp.realpath(root), 'docs', 'hello.txt'));
    });

    it('works when the root itself is reached through a symlink', async () => {
      const linkedRoot = path.join(base, 'linked-root');
      await fsp.symlink(root, linkedRoot);
      const linked = new LocalStorage({ root: linkedRoot });
      const location = await linked.locate(k('docs/hello.txt'));
      expect(location).to.deep.equal({
        kind: 'local',
        root: await fsp.realpath(root),
        path: path.join(await fsp.realpath(root), 'docs', 'hello.txt'),
        key: 'docs/hello.txt',
      });
    });

    it('refuses to write through a directory symlink that leaves the root', async () => {
      await fsp.symlink(outside, path.join(root, 'elsewhere'));
      const error = await failureOf(storage.put(k('elsewhere/new/planted.txt'), Buffer.from('x')));
      expect(error.code).to.equal('FORBIDDEN');
      expect(error.status).to.equal(403);
      expect(error.message).to.not.include(base);
      expect(await fsp.readdir(outside)).to.deep.equal(['secret.txt']);
    });
  });

  describe('open', () => {
    for (const range of [
      { start: 5, end: 2 },
      { start: -1, end: 2 },
      { start: 0, end: 10 },
      { start: 10, end: 12 },
      { start: 1.5, end: 3 },
    ]) {
      it(`refuses the range ${JSON.stringify(range)} with 416 and Content-Range`, async () => {
        const error = await failureOf(storage.open(k('digits.bin'), { range }));
        expect(error.code).to.equal('RANGE_NOT_SATISFIABLE');
        expect(error.status).to.equal(416);
        expect(error.headers).to.deep.equal({ 'content-range': 'bytes */10' });
      });
    }

    it('destroys the stream and closes the file when the signal aborts, without an error event', async () => {
      const big = Buffer.alloc(4 * 1024 * 1024, 7);
      await fsp.writeFile(path.join(root, 'big.bin'), big);
      const controller = new AbortController();
      const stream = (await storage.open(k('big.bin'), { signal: controller.signal })) as Readable & { bytesRead: number };
      const errors: unknown[] = [];
      stream.on('error', (error) => errors.push(error));
      const closed = new Promise((resolve) => stream.once('close', resolve));
      controller.abort();
      await closed;
      expect(stream.destroyed).to.equal(true);
      expect(stream.bytesRead).to.be.lessThan(big.length);
      expect(errors).to.deep.equal([]);
    });

    it('refuses to open with an already aborted signal', async () => {
      const controller = new AbortController();
      controller.abort();
      let caught: unknown;
      try {
        await storage.open(k('digits.bin'), { signal: controller.signal });
      } catch (error) {
        caught = error;
      }
      expect((caught as Error).name).to.equal('AbortError');
    });

    it('answers NOT_FOUND for a directory', async () => {
      expect((await failureOf(storage.open(k('docs')))).code).to.equal('NOT_FOUND');
    });

    it('answers NOT_FOUND for a FIFO at once instead of waiting for a writer', async () => {
      execFileSync('mkfifo', [path.join(root, 'pipe.txt')]);
      const error = await failureOf(storage.open(k('pipe.txt')));
      expect([error.code, error.status]).to.deep.equal(['NOT_FOUND', 404]);
    });

    it('hands out a stream that carries no file path', async () => {
      const stream = (await storage.open(k('docs/hello.txt'))) as Readable & { path?: unknown };
      expect(stream.path).to.equal(undefined);
      expect(await text(stream)).to.equal('hello, world');
    });

    it('destroys the stream when the signal aborts while the file is being opened', async () => {
      const controller = new AbortController();
      const opening = storage.open(k('digits.bin'), { signal: controller.signal });
      controller.abort();
      const stream = await opening;
      await new Promise((resolve) => stream.once('close', resolve));
      expect(stream.destroyed).to.equal(true);
    });

    describe('reads', () => {
      const originalRead = fs.read;
      let reads: number[];

      beforeEach(() => {
        reads = [];
        fs.read = ((...args: unknown[]) => {
          reads.push(args[3] as number);
          return (originalRead as (...all: unknown[]) => void)(...args);
        }) as unknown as typeof fs.read;
      });

      afterEach(() => {
        fs.read = originalRead;
      });

      it('reads a small file once, asking for its exact size, with no read to find the end', async () => {
        expect(await text(await storage.open(k('docs/hello.txt')))).to.equal('hello, world');
        expect(reads).to.deep.equal([12]);
      });

      it('reads a range once, asking for its exact length', async () => {
        expect(await text(await storage.open(k('digits.bin'), { range: { start: 3, end: 6 } }))).to.equal('3456');
        expect(reads).to.deep.equal([4]);
      });

      it('reads bodies up to 1 MiB in 64 KiB chunks and larger ones in 256 KiB chunks', async () => {
        const KiB = 1024;
        const oneMiB = Buffer.alloc(1024 * KiB, 1);
        const larger = Buffer.alloc(1024 * KiB + 100 * KiB, 2);
        await fsp.writeFile(path.join(root, 'one.bin'), oneMiB);
        await fsp.writeFile(path.join(root, 'larger.bin'), larger);
        expect(Buffer.concat(await (await storage.open(k('one.bin'))).toArray()).equals(oneMiB)).to.equal(true);
        expect(reads).to.deep.equal(Array(16).fill(64 * KiB));
        reads = [];
        expect(Buffer.concat(await (await storage.open(k('larger.bin'))).toArray()).equals(larger)).to.equal(true);
        expect(reads).to.deep.equal([256 * KiB, 256 * KiB, 256 * KiB, 256 * KiB, 100 * KiB]);
        reads = [];
        const range = { start: 10, end: 10 + 1024 * KiB };
        const part = Buffer.concat(await (await storage.open(k('larger.bin'), { range })).toArray());
        expect(part.equals(larger.subarray(10, 10 + 1024 * KiB + 1))).to.equal(true);
        expect(reads).to.deep.equal([256 * KiB, 256 * KiB, 256 * KiB, 256 * KiB, 1]);
      });

      it('stops at the size it found even if the file grows while it is read', async () => {
        const stream = await storage.open(k('digits.bin'));
        await fsp.appendFile(path.join(root, 'digits.bin'), 'more bytes');
        expect(await text(stream)).to.equal('0123456789');
      });
    });
  });

  describe('locate', () => {
    it('gives the real root, the real path and the key', async () => {
      const location = await storage.locate(k('docs/hello.txt'));
      const realRoot = await fsp.realpath(root);
      expect(location).to.deep.equal({ kind: 'local', root: realRoot, path: path.join(realRoot, 'docs', 'hello.txt'), key: 'docs/hello.txt' });
    });

    it('answers NOT_FOUND for a missing file', async () => {
      expect((await failureOf(storage.locate(k('missing.txt')))).code).to.equal('NOT_FOUND');
    });
  });

  describe('lookups shared by stat and locate', () => {
    let calls: Record<'realpath' | 'stat', string[]>;
    const original = { realpath: fs.realpath.native, stat: fs.stat };

    beforeEach(async () => {
      await storage.locate(k('digits.bin')); // resolves the root once
      calls = { realpath: [], stat: [] };
      fs.realpath.native = ((file: string, callback: (error: Error | null, real: string) => void) => {
        calls.realpath.push(file);
        original.realpath(file, callback);
      }) as typeof fs.realpath.native;
      fs.stat = ((file: string, callback: (error: Error | null, stats: fs.Stats) => void) => {
        calls.stat.push(file);
        original.stat(file, callback);
      }) as typeof fs.stat;
    });

    afterEach(() => {
      fs.realpath.native = original.realpath;
      fs.stat = original.stat;
    });

    it('resolves and stats the file once for a concurrent stat and locate', async () => {
      const [stat, location] = await Promise.all([storage.stat(k('docs/hello.txt')), storage.locate(k('docs/hello.txt'))]);
      expect(stat.size).to.equal(12);
      expect(location.path).to.equal(path.join(await fsp.realpath(root), 'docs', 'hello.txt'));
      expect(calls.realpath).to.have.length(1);
      expect(calls.stat).to.have.length(1);
    });

    it('keeps nothing once the lookup settled: a later call sees the file as it is now', async () => {
      expect((await storage.stat(k('digits.bin'))).size).to.equal(10);
      await fsp.writeFile(path.join(root, 'digits.bin'), '0123');
      expect((await storage.stat(k('digits.bin'))).size).to.equal(4);
      await fsp.rm(path.join(root, 'digits.bin'));
      expect((await failureOf(storage.locate(k('digits.bin')))).code).to.equal('NOT_FOUND');
      expect(calls.realpath).to.have.length(3);
    });

    it('shares a failure too, and forgets it: a file created afterwards is found', async () => {
      const failures = await Promise.all([failureOf(storage.stat(k('later.txt'))), failureOf(storage.locate(k('later.txt')))]);
      expect(failures.map((error) => [error.code, error.status])).to.deep.equal([
        ['NOT_FOUND', 404],
        ['NOT_FOUND', 404],
      ]);
      expect(calls.realpath).to.have.length(1);
      await fsp.writeFile(path.join(root, 'later.txt'), 'now here');
      expect((await storage.stat(k('later.txt'))).size).to.equal(8);
    });

    it('does not share between different keys', async () => {
      const [a, b] = await Promise.all([storage.stat(k('digits.bin')), storage.stat(k('docs/hello.txt'))]);
      expect([a.size, b.size]).to.deep.equal([10, 12]);
      expect(calls.realpath).to.have.length(2);
    });
  });

  describe('put', () => {
    /** Runs `action` under `umask`, restoring the process's own afterwards. */
    async function underUmask<T>(umask: number, action: () => Promise<T>): Promise<T> {
      const previous = process.umask(umask);
      try {
        return await action();
      } finally {
        process.umask(previous);
      }
    }
    const modeOf = async (file: string): Promise<number> => (await fsp.stat(path.join(root, file))).mode & 0o777;

    it('sets fileMode and dirMode explicitly, whatever the umask', async () => {
      const modes = new LocalStorage({ root, fileMode: 0o644, dirMode: 0o755 });
      await underUmask(0o077, () => modes.put(k('u/7/file.bin'), Buffer.from('x')));
      expect(await modeOf('u/7/file.bin')).to.equal(0o644);
      expect(await modeOf('u')).to.equal(0o755);
      expect(await modeOf('u/7')).to.equal(0o755);
    });

    it('gives dirMode to the root and the parents it creates, not to directories that were there', async () => {
      const fresh = new LocalStorage({ root: path.join(root, 'new', 'root'), fileMode: 0o644, dirMode: 0o755 });
      await fsp.chmod(root, 0o711);
      await underUmask(0o077, () => fresh.put(k('a.bin'), Buffer.from('x')));
      expect(await modeOf('new')).to.equal(0o755);
      expect(await modeOf('new/root')).to.equal(0o755);
      expect((await fsp.stat(root)).mode & 0o777).to.equal(0o711);
    });

    it('leaves modes to the umask without fileMode and dirMode (077: only the owner reads)', async () => {
      await underUmask(0o077, () => storage.put(k('v/file.bin'), Buffer.from('x')));
      expect(await modeOf('v/file.bin')).to.equal(0o600);
      expect(await modeOf('v')).to.equal(0o700);
    });

    it('refuses a mode that is not a permission mode', () => {
      for (const fileMode of [-1, 0o1000, 1.5, Number.NaN]) {
        expect(() => new LocalStorage({ root, fileMode }), String(fileMode)).to.throw(/fileMode must be a permission mode/);
      }
      expect(() => new LocalStorage({ root, dirMode: 0o4755 })).to.throw(/dirMode must be a permission mode/);
    });

    it('writes a buffer, creating directories, and returns its stat', async () => {
      const stat = await storage.put(k('new/deep/dir/report.pdf'), Buffer.from('%PDF-1.7'));
      expect(stat.size).to.equal(8);
      expect(stat.contentType).to.equal('application/pdf');
      expect(await fsp.readFile(path.join(root, 'new', 'deep', 'dir', 'report.pdf'), 'utf8')).to.equal('%PDF-1.7');
      expect(stat.etag).to.equal((await storage.stat(k('new/deep/dir/report.pdf'))).etag);
    });

    it('is atomic: a failing body leaves the old content and no temporary file', async () => {
      const failing = new Readable({
        read() {
          this.push(Buffer.from('partial'));
          this.destroy(new Error('upload interrupted'));
        },
      });
      let caught: unknown;
      try {
        await storage.put(k('docs/hello.txt'), failing);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(SendoffError);
      expect((caught as SendoffError).code).to.equal('STORAGE_ERROR');
      expect((caught as SendoffError).expose).to.equal(false);
      expect(await fsp.readFile(path.join(root, 'docs', 'hello.txt'), 'utf8')).to.equal('hello, world');
      expect(await fsp.readdir(path.join(root, 'docs'))).to.deep.equal(['hello.txt']);
    });

    it('refuses a body whose size differs from meta.size, keeping the old file', async () => {
      const error = await failureOf(storage.put(k('docs/hello.txt'), Buffer.from('abc'), { size: 4 }));
      expect(error.code).to.equal('BAD_REQUEST');
      expect(error.status).to.equal(400);
      expect(await fsp.readFile(path.join(root, 'docs', 'hello.txt'), 'utf8')).to.equal('hello, world');
      expect(await fsp.readdir(path.join(root, 'docs'))).to.deep.equal(['hello.txt']);
    });

    it('refuses a key whose parent is a file, or that names a directory', async () => {
      for (const key of ['digits.bin/child.txt', 'docs']) {
        const error = await failureOf(storage.put(k(key), Buffer.from('x')));
        expect(error.code).to.equal('FORBIDDEN');
        expect(error.status).to.equal(403);
        expect(error.message).to.not.include(base);
      }
      expect(await fsp.readFile(path.join(root, 'digits.bin'), 'utf8')).to.equal('0123456789');
    });

    it('creates the root when it does not exist yet', async () => {
      const fresh = new LocalStorage({ root: path.join(base, 'fresh-root') });
      await fresh.put(k('a.txt'), Buffer.from('A'));
      expect(await text(await fresh.open(k('a.txt')))).to.equal('A');
    });

    it('writes nothing outside the root for a string cast past validateKey', async () => {
      const error = await failureOf(storage.put(k('../outside/planted.txt'), Buffer.from('x')));
      expect(error.code).to.equal('FORBIDDEN');
      expect(error.status).to.equal(403);
      expect(await fsp.readdir(outside)).to.deep.equal(['secret.txt']);
    });
  });
});
