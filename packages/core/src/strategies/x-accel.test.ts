import { expect } from 'chai';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Key, ResolvedFile } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { xAccel } from './x-accel.js';
import { CONDITIONAL_RANGE, GET, localFile, options, tempRoot, type TempRoot } from '../../test/offload-file.js';

describe('xAccel', () => {
  let dir: TempRoot;
  beforeEach(async () => {
    dir = await tempRoot();
  });
  afterEach(() => dir.remove());

  it('plans 200, an empty body and exactly the app headers plus X-Accel-Redirect', async () => {
    const strategy = xAccel({ root: dir.root, prefix: '/_protected/' });
    const plan = await strategy.plan(GET, await dir.file('invoices/42.pdf'), options());
    expect(plan).to.deep.equal({
      strategy: 'xAccel',
      status: 200,
      body: 'empty',
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Disposition': 'attachment; filename="report.pdf"',
        'X-Accel-Redirect': '/_protected/invoices/42.pdf',
      },
    });
  });

  it('percent-encodes every segment: % ? # space + non-ASCII and !\'()*', async () => {
    const strategy = xAccel({ root: dir.root, prefix: '/p/' });
    const value = (key: string) => localFile(dir.root, key).then((file) => strategy.headerValue(file));
    expect(await value('a b/100% done #1?.txt')).to.equal('/p/a%20b/100%25%20done%20%231%3F.txt');
    expect(await value('Résumé – naïve.pdf')).to.equal('/p/R%C3%A9sum%C3%A9%20%E2%80%93%20na%C3%AFve.pdf');
    expect(await value("paren(s)!*'~.txt")).to.equal('/p/paren%28s%29%21%2A%27~.txt');
    expect(await value('plus+sign&=;,.txt')).to.equal('/p/plus%2Bsign%26%3D%3B%2C.txt');
    expect(await value('emoji 🎉.txt')).to.equal('/p/emoji%20%F0%9F%8E%89.txt');
  });

  it('ignores Range and conditional headers: the plan is the same', async () => {
    const strategy = xAccel({ root: dir.root, prefix: '/p/' });
    const file = await dir.file('a.txt');
    expect(await strategy.plan(CONDITIONAL_RANGE, file, options())).to.deep.equal(await strategy.plan(GET, file, options()));
  });

  it('never carries a length, encoding, range, validator or delivery header of the app', async () => {
    const strategy = xAccel({ root: dir.root, prefix: '/p/', onDroppedHeader: () => {} });
    const plan = await strategy.plan(GET, await dir.file('a.txt'), options({
      headers: {
        'Content-Length': '5', 'content-encoding': 'gzip', 'Accept-Ranges': 'bytes', ETag: '"x"', 'Last-Modified': 'x',
        'X-Accel-Redirect': '/p/../etc/passwd', 'X-Sendfile': '/etc/passwd', 'Cache-Control': 'private',
      },
    }));
    expect(Object.keys(plan.headers).sort()).to.deep.equal(['Cache-Control', 'Content-Disposition', 'Content-Type', 'X-Accel-Redirect']);
    expect(plan.headers['X-Accel-Redirect']).to.equal('/p/a.txt');
  });

  it('adds the X-Accel-* options it was given', async () => {
    const strategy = xAccel({ root: dir.root, prefix: '/p/', limitRate: 1024, buffering: false, expires: new Date('2030-01-01T00:00:00Z'), charset: 'utf-8' });
    const plan = await strategy.plan(GET, await dir.file('a.txt'), options());
    expect(plan.headers).to.include({ 'X-Accel-Limit-Rate': '1024', 'X-Accel-Buffering': 'no', 'X-Accel-Expires': '@1893456000', 'X-Accel-Charset': 'utf-8' });
    const seconds = await xAccel({ root: dir.root, prefix: '/p/', expires: 60, buffering: true }).plan(GET, await dir.file('a.txt'), options());
    expect(seconds.headers).to.include({ 'X-Accel-Expires': '60', 'X-Accel-Buffering': 'yes' });
  });

  it('refuses a prefix without a leading and trailing slash, a relative root and bad options', () => {
    for (const prefix of ['/prot', 'prot/', '/', '/a b/', '/../', '/$x/']) {
      expect(() => xAccel({ root: dir.root, prefix }), prefix).to.throw(SendoffError).with.property('code', 'CONFIG_INVALID');
    }
    expect(() => xAccel({ root: 'relative/dir', prefix: '/p/' })).to.throw(/absolute/);
    expect(() => xAccel({ root: dir.root, prefix: '/p/', limitRate: -1 })).to.throw(/limitRate/);
    expect(() => xAccel({ root: dir.root, prefix: '/p/', keepHeaders: ['X Bad'] })).to.throw(/header name/);
  });

  it('serves only local files under its root, compared by real path', async () => {
    const strategy = xAccel({ root: dir.root, prefix: '/p/' });
    expect(strategy.canServe(await dir.file('a.txt'))).to.equal(true);
    const sibling = await localFile(`${dir.root}-secret`, 'x.txt');
    expect(strategy.canServe(sibling)).to.equal(false);
    const s3: ResolvedFile = { ...(await dir.file('b.txt')), location: { kind: 's3', bucket: 'b', objectKey: 'b.txt', key: 'b.txt' as Key } };
    expect(strategy.canServe(s3)).to.equal(false);
    const error = await strategy.plan(GET, sibling, options()).then(() => undefined, (e: unknown) => e as SendoffError);
    expect(error?.code).to.equal('NOT_EXPRESSIBLE');
    expect(error?.expose).to.equal(false);
  });

  it('resolves the root lazily, so it may be created after the strategy', async () => {
    const later = join(dir.base, 'later');
    const strategy = xAccel({ root: later, prefix: '/p/' });
    await mkdir(later);
    expect(strategy.canServe(await localFile(later, 'a.txt'))).to.equal(true);
    await rm(later, { recursive: true });
  });

  it('keeps the download safety headers by default, and the ones it is given after them', () => {
    expect(xAccel({ root: dir.root, prefix: '/p/' }).keepHeaders).to.deep.equal(['X-Content-Type-Options', 'Content-Security-Policy']);
    const strategy = xAccel({ root: dir.root, prefix: '/p/', keepHeaders: ['X-Request-Id', 'x-content-type-options'] });
    expect(strategy.keepHeaders).to.deep.equal(['X-Content-Type-Options', 'Content-Security-Policy', 'X-Request-Id']);
    expect(strategy.droppedHeaders({ 'X-Content-Type-Options': 'nosniff', 'content-security-policy': 'sandbox', 'X-Other': '1' })).to.deep.equal(['X-Other']);
  });

  it('knows which app headers nginx drops and reports each once', async () => {
    const reported: string[] = [];
    const strategy = xAccel({ root: dir.root, prefix: '/p/', keepHeaders: ['X-Request-Id'], onDroppedHeader: (name) => reported.push(name) });
    const headers = { 'Cache-Control': 'no-store', 'Set-Cookie': 'a=b', 'X-Request-Id': '1', 'X-Custom': 'y', Vary: 'Accept' };
    expect(strategy.droppedHeaders(headers)).to.deep.equal(['X-Custom', 'Vary']);
    expect(strategy.survivingHeaders).to.include.members(['content-type', 'content-disposition', 'cache-control', 'x-request-id']);
    const file = await dir.file('a.txt');
    await strategy.plan(GET, file, options({ headers }));
    await strategy.plan(GET, file, options({ headers }));
    expect(reported).to.deep.equal(['X-Custom', 'Vary']);
  });
});
