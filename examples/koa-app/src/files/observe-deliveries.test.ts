/**
 * `startApp({ onDelivery })` reports the Deliverer's decision for each planned download, whatever
 * handler delivered it, and nothing for a download that never reached a plan.
 */
import { expect } from 'chai';
import type { DeliveryDecision } from './observe-deliveries.js';
import { fileNamed, request, signIn, startTestApp, type TestApp } from '../../test/support.js';

describe('example app: observing delivery decisions', () => {
  let t: TestApp | undefined;
  const decisions: DeliveryDecision[] = [];

  before(async () => {
    t = await startTestApp({ profile: 'dev', onDelivery: (decision) => decisions.push(decision) });
  });
  beforeEach(() => {
    decisions.length = 0;
  });
  after(async () => {
    await t?.stop();
  });

  it('reports directStream (the dev fallback) for a download the app streams itself', async () => {
    const alice = await signIn(t!.url, 'alice');
    const file = await fileNamed(t!.url, alice, 'hello world.txt');
    const response = await request(`${t!.url}/api/files/${file.id}/download`, { token: alice, method: 'HEAD' });
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal(String('Hello, world!\n'.length));
    expect(decisions).to.have.length(1);
    expect(decisions[0]).to.include({ rule: 'fallback', strategy: 'directStream', method: 'HEAD' });
    expect(decisions[0]?.key).to.match(/^u\/alice\/[0-9a-f-]{36}$/);
  });

  it("the probe's expectation names the strategy the Deliverer picks for it (directStream here)", async () => {
    const response = await request(`${t!.url}/_sendoff/probe?expect=1`);
    expect(response.status).to.equal(200);
    const expectation = response.json<{ key: string; size: number; strategy: string }>();
    expect(expectation).to.include({ key: '_sendoff/probe.bin', size: 4096, strategy: 'directStream' });
    expect(decisions).to.deep.equal([]);
  });

  it('reports the sendoff probe delivery too, and nothing for a missing file', async () => {
    const probe = await request(`${t!.url}/_sendoff/probe`);
    expect(probe.status).to.equal(200);
    expect(decisions.map(({ strategy, key }) => ({ strategy, key }))).to.deep.equal([{ strategy: 'directStream', key: '_sendoff/probe.bin' }]);
    const alice = await signIn(t!.url, 'alice');
    const missing = await request(`${t!.url}/api/files/no-such-id/download`, { token: alice });
    expect(missing.status).to.equal(404);
    expect(decisions).to.have.length(1);
  });
});
