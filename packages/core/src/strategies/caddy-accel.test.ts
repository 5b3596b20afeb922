import { expect } from 'chai';
import { SendoffError } from '../errors/sendoff-error.js';
import { caddyAccel } from './caddy-accel.js';
import { CONDITIONAL_RANGE, GET, localFile, options, tempRoot, type TempRoot } from '../../test/offload-file.js';

describe('caddyAccel', () => {
  let dir: TempRoot;
  beforeEach(async () => {
    dir = await tempRoot();
  });
  afterEach(() => dir.remove());

  it('plans 200, an empty body and the root-relative path as raw UTF-8 bytes', async () => {
    const strategy = caddyAccel({ root: dir.root });
    const plan = await strategy.plan(GET, await dir.file('cv/Résumé – naïve 🎉.pdf'), options());
    const value = plan.headers['X-Accel-Redirect'] as string;
    expect(Buffer.from(value, 'latin1').toString('utf8')).to.equal('/cv/Résumé – naïve 🎉.pdf');
    expect(/^[\x20-\xff]*$/.test(value)).to.equal(true);
    expect(plan).to.deep.include({ strategy: 'caddyAccel', status: 200, body: 'empty' });
    expect(Object.keys(plan.headers).sort()).to.deep.equal(['Content-Disposition', 'Content-Type', 'X-Accel-Redirect']);
  });

  it('passes %, # and spaces raw (Caddy does not decode)', async () => {
    const strategy = caddyAccel({ root: dir.root });
    expect(strategy.headerValue(await dir.file('50% off #2.txt'))).to.equal('/50% off #2.txt');
  });

  it('cannot express a "?": canServe is false and plan throws NOT_EXPRESSIBLE, unexposed', async () => {
    const strategy = caddyAccel({ root: dir.root });
    const file = await dir.file('100% done #1?.txt');
    expect(strategy.canServe(file)).to.equal(false);
    const error = await strategy.plan(GET, file, options()).then(() => undefined, (e: unknown) => e as SendoffError);
    expect(error).to.be.instanceOf(SendoffError);
    expect(error?.code).to.equal('NOT_EXPRESSIBLE');
    expect(error?.expose).to.equal(false);
    expect(error?.message).to.not.include(dir.root);
  });

  it('ignores Range and conditionals, and refuses files outside its root', async () => {
    const strategy = caddyAccel({ root: dir.root });
    const file = await dir.file('a.txt');
    expect(await strategy.plan(CONDITIONAL_RANGE, file, options())).to.deep.equal(await strategy.plan(GET, file, options()));
    expect(strategy.canServe(await localFile(`${dir.root}2`, 'a.txt'))).to.equal(false);
  });
});
