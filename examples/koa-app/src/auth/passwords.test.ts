import { scryptSync } from 'node:crypto';
import { expect } from 'chai';
import { hashPassword, isPasswordCorrect } from './passwords.js';

/** A hash in the stored format, made the way the first versions of the app made them. */
function storedHash(password: string, salt: Buffer): string {
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, 32).toString('base64url')}`;
}

describe('passwords', () => {
  it('stores scrypt$<16-byte salt>$<32-byte hash>, both base64url, with a new salt each time', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');
    expect(first).to.match(/^scrypt\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).to.not.equal(first);
    expect(await isPasswordCorrect('correct horse', first)).to.equal(true);
    expect(await isPasswordCorrect('correct horse!', first)).to.equal(false);
  });

  it('checks hashes stored before (same format, same parameters)', async () => {
    const stored = storedHash('alice', Buffer.alloc(16, 3));
    expect(await isPasswordCorrect('alice', stored)).to.equal(true);
    expect(await isPasswordCorrect('bob', stored)).to.equal(false);
  });

  it('is false for an unknown user and for a stored value of another shape', async () => {
    expect(await isPasswordCorrect('anything', undefined)).to.equal(false);
    for (const stored of ['', 'plain', 'bcrypt$x$y', 'scrypt$only-salt']) expect(await isPasswordCorrect('plain', stored), stored).to.equal(false);
  });

  it('hashes on the thread pool: the event loop turns before the last of several checks is over', async () => {
    const stored = storedHash('alice', Buffer.alloc(16, 9));
    let turns = 0;
    let checking = true;
    const turn = (): void => {
      if (!checking) return;
      turns += 1;
      setImmediate(turn);
    };
    setImmediate(turn);
    const turnsWhenDone: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, index) => {
        expect(await isPasswordCorrect(index % 2 === 0 ? 'alice' : 'wrong', stored)).to.equal(index % 2 === 0);
        turnsWhenDone.push(turns);
      }),
    );
    checking = false;
    expect(Math.max(...turnsWhenDone)).to.be.greaterThan(0);
  });
});
