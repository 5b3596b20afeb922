import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Accounts } from './accounts.js';

const PASSWD = ['# local users', 'root:x:0:0:root:/root:/bin/bash', 'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin', 'deploy:x:1000:1000::/home/deploy:/bin/sh', ''].join('\n');
const GROUP = ['root:x:0:', 'www-data:x:33:', 'shared:x:2000:deploy,www-data', 'ops:x:2001:deploy', ''].join('\n');

describe('Accounts (passwd and group files)', () => {
  let dir: string;
  let accounts: Accounts;

  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-accounts-'));
    await fsp.writeFile(path.join(dir, 'passwd'), PASSWD);
    await fsp.writeFile(path.join(dir, 'group'), GROUP);
    accounts = await Accounts.read({ passwd: path.join(dir, 'passwd'), group: path.join(dir, 'group') });
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('finds a user by name, with its uid and primary gid', () => {
    expect(accounts.user('www-data')).to.deep.equal({ name: 'www-data', uid: 33, gid: 33 });
    expect(accounts.user('nobody')).to.equal(undefined);
  });

  it('names users and groups by id, falling back to the id', () => {
    expect(accounts.userName(1000)).to.equal('deploy');
    expect(accounts.userName(4242)).to.equal('4242');
    expect(accounts.groupName(2000)).to.equal('shared');
    expect(accounts.groupName(4242)).to.equal('4242');
  });

  it('gives a reader its primary group and every group that lists it as a member', () => {
    expect(accounts.reader('www-data')).to.deep.equal({ name: 'www-data', uid: 33, groups: [33, 2000] });
    expect(accounts.reader('deploy')).to.deep.equal({ name: 'deploy', uid: 1000, groups: [1000, 2000, 2001] });
    expect(accounts.reader('nobody')).to.equal(undefined);
  });

  it('reads missing files as empty', async () => {
    const none = await Accounts.read({ passwd: path.join(dir, 'missing'), group: path.join(dir, 'missing') });
    expect(none.user('root')).to.equal(undefined);
    expect(none.userName(0)).to.equal('0');
  });

  it('describes this process as a reader: its effective user and groups', async () => {
    const reader = (await Accounts.read()).currentReader();
    expect(reader.uid).to.equal(process.geteuid?.());
    expect(reader.groups).to.include(process.getegid?.());
    for (const group of process.getgroups?.() ?? []) expect(reader.groups).to.include(group);
  });
});
