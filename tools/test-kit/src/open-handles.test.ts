import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { handlesReleased, openHandlesTo } from './open-handles.js';

describe('openHandlesTo', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sendoff-open-handles-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts the descriptors of this process open on a file, and sees them closed', async () => {
    const file = join(dir, 'a.txt');
    await writeFile(file, 'a');
    expect(await openHandlesTo(file)).to.equal(0);
    const first = await open(file);
    const second = await open(file);
    expect(await openHandlesTo(file)).to.equal(2);
    await first.close();
    expect(await openHandlesTo(file)).to.equal(1);
    await second.close();
    await handlesReleased(file);
    expect(await openHandlesTo(file)).to.equal(0);
  });
});
