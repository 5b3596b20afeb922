import { expect } from 'chai';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { xSendfile } from './x-sendfile.js';
import { CONDITIONAL_RANGE, GET, localFile, options, tempRoot, type TempRoot } from '../../test/offload-file.js';

describe('xSendfile', () => {
  let dir: TempRoot;
  beforeEach(async () => {
    dir = await tempRoot();
  });
  afterEach(() => dir.remove());

  describe('apache', () => {
    it('sends the absolute path as raw UTF-8 plus the app ETag and Last-Modified', async () => {
      const strategy = xSendfile({ server: 'apache', root: dir.root });
      const plan = await strategy.plan(GET, await dir.file('cv/Résumé 100% #1.pdf'), options());
      expect(plan).to.deep.include({ strategy: 'xSendfile', status: 200, body: 'empty' });
      expect(Buffer.from(plan.headers['X-Sendfile'] as string, 'latin1').toString('utf8')).to.equal(join(dir.root, 'cv/Résumé 100% #1.pdf'));
      expect(plan.headers).to.include({ ETag: '"abc-123"', 'Last-Modified': 'Fri, 02 Jan 2026 03:04:05 GMT', 'Content-Type': 'application/pdf' });
      expect(Object.keys(plan.headers).sort()).to.deep.equal(['Content-Disposition', 'Content-Type', 'ETag', 'Last-Modified', 'X-Sendfile']);
    });

    it('names the file through the configured root even when the root is a symlink', async () => {
      const link = join(dir.base, 'link');
      await symlink(dir.root, link);
      const strategy = xSendfile({ server: 'apache', root: link });
      const file = await dir.file('a.txt');
      expect(strategy.canServe(file)).to.equal(true);
      expect(strategy.headerValue(file)).to.equal(join(link, 'a.txt'));
    });

    it('refuses kbytesPerSecond (a lighttpd header)', () => {
      expect(() => xSendfile({ server: 'apache', root: dir.root, kbytesPerSecond: 10 })).to.throw(/lighttpd/);
    });
  });

  describe('lighttpd', () => {
    it('sends the absolute path with every segment percent-encoded, and no validators of its own', async () => {
      const strategy = xSendfile({ server: 'lighttpd', root: dir.root, kbytesPerSecond: 64 });
      const plan = await strategy.plan(GET, await dir.file('a b/100% #1?+é.txt'), options());
      const expected = `${dir.root.split('/').map(encodeURIComponent).join('/')}/a%20b/100%25%20%231%3F%2B%C3%A9.txt`;
      expect(plan.headers['X-Sendfile']).to.equal(expected);
      expect(plan.headers['X-LIGHTTPD-KBytes-per-second']).to.equal('64');
      expect(plan.headers).to.not.have.any.keys('ETag', 'Last-Modified', 'Content-Length');
      expect(plan.status).to.equal(200);
    });

    it('ignores Range and conditionals and refuses files outside the root', async () => {
      const strategy = xSendfile({ server: 'lighttpd', root: dir.root });
      const file = await dir.file('a.txt');
      expect(await strategy.plan(CONDITIONAL_RANGE, file, options())).to.deep.equal(await strategy.plan(GET, file, options()));
      expect(strategy.canServe(await localFile(`${dir.root}-secret`, 'a.txt'))).to.equal(false);
    });
  });

  it('refuses an unknown server', () => {
    expect(() => xSendfile({ server: 'iis' as 'apache', root: dir.root })).to.throw(/apache.*lighttpd/);
  });
});
