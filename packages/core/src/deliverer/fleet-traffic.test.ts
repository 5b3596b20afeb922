import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { DeliveryRequest } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { LocalStorage } from '../storage/local-storage.js';
import { directStream } from '../strategies/direct-stream.js';
import { xAccel } from '../strategies/x-accel.js';
import type { TrafficSnapshot, TrafficSource } from '../traffic/types.js';
import type { PolicyConfig } from '../policy/types.js';
import { createDelivery } from './create-delivery.js';

const GET: DeliveryRequest = { method: 'GET', headers: {} };
const HEAD: DeliveryRequest = { method: 'HEAD', headers: {} };
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A fleet source that records what it is told and answers what the test sets. */
function fakeFleet(answer: () => Promise<TrafficSnapshot> | TrafficSnapshot) {
  const events: string[] = [];
  let snapshots = 0;
  const source: TrafficSource = {
    name: 'shared',
    timeoutMs: 30,
    streamStarted: () => events.push('started'),
    streamEnded: () => events.push('ended'),
    recordDownload: (bytes) => events.push(`download ${bytes}`),
    snapshot() {
      snapshots++;
      return answer();
    },
  };
  return { source, events, snapshots: () => snapshots };
}

const fleet = (streams: number): TrafficSnapshot => ({ streams, downloadsPerSecond: 0, bytesPerSecond: 0 });
const OFFLOAD_WHEN_BUSY: PolicyConfig = { rules: [{ name: 'busy fleet', use: 'xAccel', fleetStreamsAbove: 3 }], fallback: 'directStream' };

describe('createDelivery with a fleet traffic source', () => {
  let base: string;
  let root: string;

  before(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-fleet-'));
    root = await fsp.realpath(base);
    await fsp.writeFile(path.join(root, 'a.txt'), 'hello fleet');
  });

  after(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  const deliverer = (traffic: TrafficSource, policy: PolicyConfig = OFFLOAD_WHEN_BUSY) =>
    createDelivery({
      environment: 'production',
      storage: new LocalStorage({ root }),
      strategies: [directStream(), xAccel({ root, prefix: '/_protected/' })],
      policy,
      traffic,
    });

  it('offloads when the fleet is busy though this process streams nothing, and says where the numbers came from', async () => {
    const { source } = fakeFleet(() => fleet(4));
    const result = await deliverer(source).deliver(GET, { key: 'a.txt' });
    expect(result.strategy).to.equal('xAccel');
    expect(result.status).to.equal(200);
    expect(result.headers['X-Accel-Redirect']).to.equal('/_protected/a.txt');
    expect(result.decision).to.deep.equal({
      rule: 'busy fleet',
      strategy: 'xAccel',
      reasons: ['fleet streams 4 > fleetStreamsAbove 3, counted by shared'],
      traffic: { source: 'shared', fallback: false },
    });
  });

  it('decides on its own counters, flagged, when the fleet source does not answer in time', async () => {
    const { source } = fakeFleet(() => new Promise<TrafficSnapshot>(() => {}));
    const delivery = deliverer(source);
    const result = await delivery.deliver(GET, { key: 'a.txt' });
    expect(result.strategy).to.equal('directStream');
    expect(result.decision.traffic).to.deep.equal({ source: 'local (shared unavailable)', fallback: true });
    expect(result.body).to.equal('stream');
    if (result.body === 'stream') expect(await text(await result.open())).to.equal('hello fleet');
    const explanation = await delivery.explain(GET, { key: 'a.txt' });
    expect(explanation.traffic).to.deep.equal({ source: 'local (shared unavailable)', fallback: true });
    expect(explanation.text.split('\n')[1]).to.equal('traffic: local (shared unavailable)');
  });

  it('never asks the fleet source when no rule reads fleet traffic, but tells it of streams and downloads', async () => {
    const fake = fakeFleet(() => fleet(100));
    const delivery = deliverer(fake.source, { rules: [{ use: 'xAccel', minInFlight: 5 }], fallback: 'directStream' });
    const result = await delivery.deliver(GET, { key: 'a.txt' });
    expect(result.decision).to.not.have.property('traffic');
    expect(result.body).to.equal('stream');
    if (result.body !== 'stream') return;
    const stream = await result.open();
    expect(delivery.inFlight).to.equal(1);
    expect(await text(stream)).to.equal('hello fleet');
    await settle();
    await delivery.deliver(HEAD, { key: 'a.txt' });
    expect(fake.snapshots()).to.equal(0);
    expect(fake.events).to.deep.equal(['download 11', 'started', 'ended', 'download 0']);
  });

  it('refuses a traffic source that is not one, at start-up', () => {
    const { source } = fakeFleet(() => fleet(0));
    const bad: unknown[] = [{}, { ...source, snapshot: 'now' }, { ...source, name: 7 }, { ...source, timeoutMs: -1 }, { ...source, timeoutMs: Number.NaN }];
    for (const traffic of bad) {
      expect(() => deliverer(traffic as TrafficSource), JSON.stringify(traffic)).to.throw(
        SendoffError,
        'delivery config: traffic must implement TrafficSource (name, streamStarted, streamEnded, recordDownload, snapshot; timeoutMs a positive number)',
      );
    }
  });

  it('counts an offloaded download with the size of the file', async () => {
    const fake = fakeFleet(() => fleet(9));
    await deliverer(fake.source).deliver(GET, { key: 'a.txt' });
    expect(fake.events).to.deep.equal(['download 11']);
    expect(fake.snapshots()).to.equal(1);
  });
});
