import { expect } from 'chai';
import { readTraffic } from './read-traffic.js';
import type { TrafficSnapshot, TrafficSource } from './types.js';

const LOCAL: TrafficSnapshot = { streams: 2, downloadsPerSecond: 1.5, bytesPerSecond: 4096 };
const FLEET: TrafficSnapshot = { streams: 9, downloadsPerSecond: 12, bytesPerSecond: 65536 };

function source(snapshot: () => Promise<TrafficSnapshot> | TrafficSnapshot, timeoutMs = 20) {
  const calls = { snapshot: 0 };
  const fleet: TrafficSource = {
    name: 'shared',
    timeoutMs,
    streamStarted() {},
    streamEnded() {},
    recordDownload() {},
    snapshot() {
      calls.snapshot++;
      return snapshot();
    },
  };
  return { fleet, calls };
}

describe('readTraffic', () => {
  it('answers the fleet source when a rule asks for fleet facts', async () => {
    const { fleet } = source(async () => FLEET);
    expect(await readTraffic(LOCAL, fleet, true)).to.deep.equal({ process: LOCAL, fleet: FLEET, source: 'shared', fallback: false });
  });

  it('never asks the fleet source when no rule reads fleet facts', async () => {
    const { fleet, calls } = source(async () => FLEET);
    expect(await readTraffic(LOCAL, fleet, false)).to.deep.equal({ process: LOCAL, fleet: LOCAL, source: 'local', fallback: false });
    expect(calls.snapshot).to.equal(0);
  });

  it('takes this process as the fleet when there is no fleet source', async () => {
    expect(await readTraffic(LOCAL, undefined, true)).to.deep.equal({ process: LOCAL, fleet: LOCAL, source: 'local', fallback: false });
  });

  it('falls back to the local counters, flagged, when the fleet source never answers', async () => {
    const { fleet } = source(() => new Promise<TrafficSnapshot>(() => {}));
    expect(await readTraffic(LOCAL, fleet, true)).to.deep.equal({ process: LOCAL, fleet: LOCAL, source: 'local (shared unavailable)', fallback: true });
  });

  it('falls back when the fleet source fails, throws or answers nonsense', async () => {
    const failing = [
      () => Promise.reject(new Error('connection refused')),
      () => {
        throw new Error('not connected');
      },
      async () => ({ streams: 'many' }) as unknown as TrafficSnapshot,
    ];
    for (const snapshot of failing) {
      const facts = await readTraffic(LOCAL, source(snapshot).fleet, true);
      expect(facts).to.deep.equal({ process: LOCAL, fleet: LOCAL, source: 'local (shared unavailable)', fallback: true });
    }
  });
});
