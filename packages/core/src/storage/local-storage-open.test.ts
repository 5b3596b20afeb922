import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { Key } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { LocalStorage } from './local-storage.js';

const k = (value: string) => value as Key;

/** `open` after a lookup of the same key: the checked file is reused only when the descriptor proves it. */
describe('LocalStorage open after a lookup', () => {
  let base: string;
  let root: string;
  let outside: string;
  let storage: LocalStorage;
  let realpaths: string[];
  const original = fs.realpath.native;

  beforeEach(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-local-open-'));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    await fsp.mkdir(path.join(root, 'docs'), { recursive: true });
    await fsp.mkdir(outside);
    await fsp.writeFile(path.join(root, 'docs', 'hello.txt'), 'hello, world');
    await fsp.writeFile(path.join(outside, 'hello.txt'), 'top secret!!');
    storage = new LocalStorage({ root });
    realpaths = [];
    fs.realpath.native = ((file: string, callback: (error: Error | null, real: string) => void) => {
      realpaths.push(file);
      original(file, callback);
    }) as typeof fs.realpath.native;
  });

  afterEach(async () => {
    fs.realpath.native = original;
    await fsp.rm(base, { recursive: true, force: true });
  });

  async function rejection(promise: Promise<unknown>): Promise<SendoffError> {
    const error = await promise.then(() => undefined, (reason: unknown) => reason);
    expect(error).to.be.instanceOf(SendoffError);
    return error as SendoffError;
  }

  it('opens the file the lookup checked without resolving its path again', async () => {
    await Promise.all([storage.stat(k('docs/hello.txt')), storage.locate(k('docs/hello.txt'))]);
    const before = realpaths.length;
    expect(await text(await storage.open(k('docs/hello.txt')))).to.equal('hello, world');
    expect(realpaths.length).to.equal(before);
  });

  it('keeps the checked file for every open that follows, concurrent requests sharing one lookup', async () => {
    await Promise.all([storage.stat(k('docs/hello.txt')), storage.stat(k('docs/hello.txt'))]);
    const before = realpaths.length;
    const bodies = await Promise.all([storage.open(k('docs/hello.txt')), storage.open(k('docs/hello.txt'), { range: { start: 7, end: 11 } })].map(async (opening) => text(await opening)));
    expect(bodies).to.deep.equal(['hello, world', 'world']);
    expect(realpaths.length).to.equal(before);
  });

  it('forgets the checked file when a later lookup of the key finds it outside the root', async () => {
    await storage.stat(k('docs/hello.txt'));
    // The same file (same inode) now lies outside, reached through a linked directory.
    await fsp.rename(path.join(root, 'docs'), path.join(outside, 'docs'));
    await fsp.symlink(path.join(outside, 'docs'), path.join(root, 'docs'));
    expect((await rejection(storage.stat(k('docs/hello.txt')))).code).to.equal('NOT_FOUND');
    const error = await rejection(storage.open(k('docs/hello.txt')));
    expect([error.code, error.status]).to.deep.equal(['NOT_FOUND', 404]);
    expect(error.message).to.not.include(base);
  });

  it('answers NOT_FOUND, without the path, when the file became a link out of the root since the lookup', async () => {
    await storage.stat(k('docs/hello.txt'));
    await fsp.rm(path.join(root, 'docs', 'hello.txt'));
    await fsp.symlink(path.join(outside, 'hello.txt'), path.join(root, 'docs', 'hello.txt'));
    const error = await rejection(storage.open(k('docs/hello.txt')));
    expect([error.code, error.status, error.expose]).to.deep.equal(['NOT_FOUND', 404, true]);
    expect(error.message).to.not.include(base);
  });

  it('answers NOT_FOUND when a parent directory became a link out of the root since the lookup', async () => {
    await storage.stat(k('docs/hello.txt'));
    await fsp.rename(path.join(root, 'docs'), path.join(base, 'moved-docs'));
    await fsp.symlink(outside, path.join(root, 'docs'));
    const error = await rejection(storage.open(k('docs/hello.txt')));
    expect([error.code, error.status]).to.deep.equal(['NOT_FOUND', 404]);
    expect(error.message).to.not.include(base);
  });

  it('serves the file now in place when another one replaced it since the lookup', async () => {
    await storage.stat(k('docs/hello.txt'));
    await fsp.writeFile(path.join(root, 'docs', 'next.txt'), 'replacement!');
    await fsp.rename(path.join(root, 'docs', 'next.txt'), path.join(root, 'docs', 'hello.txt'));
    const before = realpaths.length;
    expect(await text(await storage.open(k('docs/hello.txt')))).to.equal('replacement!');
    expect(realpaths.length).to.equal(before + 1);
  });

  it('answers NOT_FOUND when the file was removed since the lookup', async () => {
    await storage.stat(k('docs/hello.txt'));
    await fsp.rm(path.join(root, 'docs', 'hello.txt'));
    expect((await rejection(storage.open(k('docs/hello.txt')))).code).to.equal('NOT_FOUND');
  });
});
