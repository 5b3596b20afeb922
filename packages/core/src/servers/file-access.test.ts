/**
 * Which step on the way to a file another user is refused, from the modes and owners on disk. The
 * directories are made and handed over with chmod/chown, so these tests run as root (as the web
 * servers do when they switch their workers to www-data).
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Accounts, type Reader } from './accounts.js';
import { currentUmask, describeBlockedStep, firstBlockedStep } from './file-access.js';

const WWW_DATA: Reader = { name: 'www-data', uid: 33, groups: [33] };

describe('firstBlockedStep: what a web server worker cannot enter or read', () => {
  let base: string;
  let accounts: Accounts;

  before(async () => {
    expect(process.getuid?.(), 'these tests chown files: run them as root').to.equal(0);
    accounts = await Accounts.read();
  });
  beforeEach(async () => {
    base = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-access-')));
    await fsp.chmod(base, 0o755);
    await fsp.mkdir(path.join(base, 'data', 'files'), { recursive: true, mode: 0o755 });
    await fsp.writeFile(path.join(base, 'data', 'files', 'probe.bin'), 'bytes', { mode: 0o644 });
  });
  afterEach(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  const file = (): string => path.join(base, 'data', 'files', 'probe.bin');

  it('finds nothing when every directory can be entered and the file read', async () => {
    expect(await firstBlockedStep(file(), WWW_DATA, accounts)).to.equal(undefined);
  });

  it('names the first directory the user cannot enter, with its mode, owner and group, and the chmod that fixes it', async () => {
    await fsp.chmod(path.join(base, 'data'), 0o700);
    const step = await firstBlockedStep(file(), WWW_DATA, accounts);
    expect(step).to.deep.equal({ path: path.join(base, 'data'), need: 'enter', mode: 'drwx------', owner: 'root', group: 'root', who: 'o' });
    expect(describeBlockedStep(WWW_DATA, step!)).to.equal(
      `www-data cannot enter ${base}/data (drwx------ root:root): chmod o+x ${base}/data, or run the web server as a user that can read it`,
    );
  });

  it('names the umask when it takes the missing bit from what the app creates, and the fix', async () => {
    await fsp.chmod(file(), 0o600);
    const step = (await firstBlockedStep(file(), WWW_DATA, accounts))!;
    expect(describeBlockedStep(WWW_DATA, step, 0o077)).to.equal(
      `www-data cannot read ${file()} (-rw------- root:root): chmod o+r ${file()}, or run the web server as a user that can read it; ` +
        "the app's umask 0077 takes o+r from every file and directory it creates: start it under umask 022, or give LocalStorage fileMode 0o644 and dirMode 0o755",
    );
    expect(describeBlockedStep(WWW_DATA, step, 0o022)).to.not.include('umask');
    expect(describeBlockedStep(WWW_DATA, step, 0o003)).to.not.include('umask');
    expect(describeBlockedStep(WWW_DATA, step, 0o004)).to.include('umask 0004');
  });

  it('reads this process\'s umask without changing it', async () => {
    const previous = process.umask(0o027);
    try {
      expect(await currentUmask()).to.equal(0o027);
    } finally {
      process.umask(previous);
    }
  });

  it('needs only the execute bit on a directory, not the read bit', async () => {
    await fsp.chmod(path.join(base, 'data'), 0o711);
    expect(await firstBlockedStep(file(), WWW_DATA, accounts)).to.equal(undefined);
  });

  it('names the file itself when it cannot be read', async () => {
    await fsp.chmod(file(), 0o600);
    const step = await firstBlockedStep(file(), WWW_DATA, accounts);
    expect(step).to.include({ path: file(), need: 'read', mode: '-rw-------', who: 'o' });
    expect(describeBlockedStep(WWW_DATA, step!)).to.equal(
      `www-data cannot read ${file()} (-rw------- root:root): chmod o+r ${file()}, or run the web server as a user that can read it`,
    );
  });

  it('uses the group bits for a member of the group, the owner bits for the owner', async () => {
    const data = path.join(base, 'data');
    await fsp.chown(data, 0, 33);
    await fsp.chmod(data, 0o750);
    expect(await firstBlockedStep(file(), WWW_DATA, accounts)).to.equal(undefined);
    await fsp.chmod(data, 0o705);
    expect(await firstBlockedStep(file(), WWW_DATA, accounts)).to.include({ path: data, who: 'g', mode: 'drwx---r-x' });
    await fsp.chown(data, 33, 0);
    await fsp.chmod(data, 0o077);
    expect(await firstBlockedStep(file(), WWW_DATA, accounts)).to.include({ path: data, who: 'u', owner: 'www-data' });
  });

  it('walks the real path: a symlink to a closed directory is found behind the link', async () => {
    await fsp.chmod(path.join(base, 'data'), 0o700);
    await fsp.symlink(path.join(base, 'data', 'files'), path.join(base, 'link'));
    const step = await firstBlockedStep(path.join(base, 'link', 'probe.bin'), WWW_DATA, accounts);
    expect(step).to.include({ path: path.join(base, 'data'), need: 'enter' });
  });

  it('lets root through everything', async () => {
    await fsp.chmod(path.join(base, 'data'), 0o000);
    expect(await firstBlockedStep(file(), { name: 'root', uid: 0, groups: [0] }, accounts)).to.equal(undefined);
  });

  it('stops at a step that does not exist (nothing to tell)', async () => {
    expect(await firstBlockedStep(path.join(base, 'missing', 'probe.bin'), WWW_DATA, accounts)).to.equal(undefined);
  });
});
