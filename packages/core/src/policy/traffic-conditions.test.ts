import { Readable } from 'node:stream';
import { expect } from 'chai';
import type { DeliveryPlan, DeliveryStrategy, Key, ResolvedFile } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import type { TrafficFacts } from '../traffic/types.js';
import { createPolicy } from './create-policy.js';
import type { PolicyConfig, PolicyContext } from './types.js';

function strategy(name: string): DeliveryStrategy {
  return {
    name,
    locationKinds: ['local'],
    canServe: () => true,
    async plan(): Promise<DeliveryPlan> {
      return { strategy: name, status: 200, headers: {}, body: 'empty' };
    },
  };
}

const STRATEGIES = [strategy('directStream'), strategy('xAccel')];
const FILE: ResolvedFile = {
  key: 'a.bin' as Key,
  stat: { size: 100, mtime: new Date(0), etag: '"1"' },
  location: { kind: 'local', root: '/srv', path: '/srv/a.bin', key: 'a.bin' as Key },
  open: async () => Readable.from([]),
};

function facts(process: number, fleet: number, extra: Partial<TrafficFacts> = {}): TrafficFacts {
  return {
    process: { streams: process, downloadsPerSecond: process, bytesPerSecond: process * 1000 },
    fleet: { streams: fleet, downloadsPerSecond: fleet, bytesPerSecond: fleet * 1000 },
    source: 'redis',
    fallback: false,
    ...extra,
  };
}

function ctx(traffic?: TrafficFacts): PolicyContext {
  return { environment: 'production', request: { method: 'GET', headers: {} }, file: FILE, inFlight: traffic?.process.streams ?? 0, ...(traffic && { traffic }) };
}

const policy = (rules: PolicyConfig['rules']) => createPolicy({ rules, fallback: 'directStream' }, STRATEGIES, ['local'], 'production');

describe('traffic conditions', () => {
  it('fleetStreamsAbove holds when the fleet sum is above it, whatever this process counts', () => {
    const fleetRule = policy([{ name: 'busy fleet', use: 'xAccel', fleetStreamsAbove: 4 }]);
    const busy = fleetRule.choose(ctx(facts(1, 5)));
    expect(busy.rule).to.equal('busy fleet');
    expect(busy.reasons).to.deep.equal(['fleet streams 5 > fleetStreamsAbove 4, counted by redis']);
    expect(busy.traffic).to.deep.equal({ source: 'redis', fallback: false });
    expect(fleetRule.choose(ctx(facts(4, 4))).rule).to.equal('fallback');
  });

  it('a bare rate threshold reads this process, { scope: "fleet" } the fleet', () => {
    const processRule = policy([{ use: 'xAccel', downloadsPerSecondAbove: 3 }]);
    expect(processRule.readsFleetTraffic).to.equal(false);
    expect(processRule.choose(ctx(facts(2, 10))).rule).to.equal('fallback');
    expect(processRule.choose(ctx(facts(4, 0))).reasons).to.deep.equal(['process downloads/s 4 > downloadsPerSecondAbove 3']);

    const fleetRule = policy([{ use: 'xAccel', bytesPerSecondAbove: { above: 5000, scope: 'fleet' } }]);
    expect(fleetRule.readsFleetTraffic).to.equal(true);
    expect(fleetRule.choose(ctx(facts(9, 5))).rule).to.equal('fallback');
    expect(fleetRule.choose(ctx(facts(0, 6))).reasons).to.deep.equal(['fleet bytes/s 6000 > bytesPerSecondAbove 5000, counted by redis']);
  });

  it('explains where the fleet numbers came from, and a fallback to the local counters', () => {
    const explanation = policy([{ name: 'busy fleet', use: 'xAccel', fleetStreamsAbove: 2 }]).explain(
      ctx(facts(1, 1, { source: 'local (redis unavailable)', fallback: true })),
    );
    expect(explanation.traffic).to.deep.equal({ source: 'local (redis unavailable)', fallback: true });
    expect(explanation.decision).to.deep.equal({
      rule: 'fallback',
      strategy: 'directStream',
      reasons: ['no rule applies'],
      traffic: { source: 'local (redis unavailable)', fallback: true },
    });
    expect(explanation.text.split('\n')).to.deep.equal([
      'environment production, 1 direct stream(s) in flight',
      'traffic: local (redis unavailable)',
      'busy fleet -> xAccel [skipped]: fleet streams 1 <= fleetStreamsAbove 2, counted by local (redis unavailable)',
      'fallback -> directStream [CHOSEN]',
      '=> directStream (fallback)',
    ]);
  });

  it('a policy with no fleet rule says nothing of fleet traffic', () => {
    const plain = policy([{ use: 'xAccel', minInFlight: 1 }]);
    expect(plain.readsFleetTraffic).to.equal(false);
    expect(plain.choose(ctx(facts(1, 9)))).to.not.have.property('traffic');
    expect(plain.explain(ctx(facts(1, 9)))).to.not.have.property('traffic');
  });

  it('without traffic facts, reads this process’s in-flight count as both', () => {
    const fleetRule = policy([{ use: 'xAccel', fleetStreamsAbove: 0 }]);
    expect(fleetRule.choose({ ...ctx(), inFlight: 1 }).reasons).to.deep.equal(['fleet streams 1 > fleetStreamsAbove 0, counted by local']);
  });

  it('refuses bad thresholds at start-up, naming the rule', () => {
    const bad: unknown[] = [
      { use: 'xAccel', fleetStreamsAbove: -1 },
      { use: 'xAccel', fleetStreamsAbove: 1.5 },
      { use: 'xAccel', downloadsPerSecondAbove: { above: 1, scope: 'cluster' } },
      { use: 'xAccel', bytesPerSecondAbove: Number.POSITIVE_INFINITY },
    ];
    for (const rule of bad) {
      try {
        policy([rule as PolicyConfig['rules'][number]]);
        expect.fail('expected CONFIG_INVALID');
      } catch (error) {
        expect(error).to.be.instanceOf(SendoffError);
        expect((error as SendoffError).code).to.equal('CONFIG_INVALID');
        expect((error as SendoffError).message).to.match(/rule 1 (fleetStreamsAbove|downloadsPerSecondAbove|bytesPerSecondAbove)/);
      }
    }
  });
});
