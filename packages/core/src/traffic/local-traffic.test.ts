import { expect } from 'chai';
import { SendoffError } from '../errors/sendoff-error.js';
import { localTraffic } from './local-traffic.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('localTraffic', () => {
  it('counts streams in flight, never below zero', () => {
    const traffic = localTraffic();
    traffic.streamStarted();
    traffic.streamStarted();
    traffic.streamEnded();
    expect(traffic.snapshot().streams).to.equal(1);
    traffic.streamEnded();
    traffic.streamEnded();
    expect(traffic.snapshot().streams).to.equal(0);
  });

  it('answers downloads and bytes per second over its window', () => {
    const clock = { now: T0 };
    const traffic = localTraffic({ windowSeconds: 4, now: () => clock.now });
    traffic.recordDownload(1000);
    traffic.recordDownload(0);
    clock.now += 1000;
    traffic.recordDownload(3000);
    traffic.recordDownload(Number.NaN);
    expect(traffic.snapshot()).to.deep.equal({ streams: 0, downloadsPerSecond: 1, bytesPerSecond: 1000 });
    clock.now += 3000;
    expect(traffic.snapshot()).to.deep.equal({ streams: 0, downloadsPerSecond: 0.5, bytesPerSecond: 750 });
    clock.now += 1000;
    expect(traffic.snapshot()).to.deep.equal({ streams: 0, downloadsPerSecond: 0, bytesPerSecond: 0 });
  });

  it('refuses a window that is not a whole number of seconds from 1 to 3600', () => {
    for (const windowSeconds of [0, 1.5, 3601, Number.NaN]) {
      expect(() => localTraffic({ windowSeconds })).to.throw(SendoffError, /windowSeconds must be a whole number of seconds from 1 to 3600/);
    }
  });
});
