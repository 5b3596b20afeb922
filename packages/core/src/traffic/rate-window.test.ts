import { expect } from 'chai';
import { RateWindow } from './rate-window.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('RateWindow', () => {
  it('sums what was added in the current second and the seconds before it, within the window', () => {
    const clock = { now: T0 };
    const window = new RateWindow(3, () => clock.now);
    window.add(2);
    clock.now += 1000;
    window.add(4);
    clock.now += 999;
    window.add(1);
    expect(window.total()).to.equal(7);
    expect(window.perSecond()).to.be.closeTo(7 / 3, 1e-9);
  });

  it('drops a second once it leaves the window', () => {
    const clock = { now: T0 };
    const window = new RateWindow(3, () => clock.now);
    window.add(5);
    clock.now += 1000;
    window.add(1);
    clock.now += 2000;
    expect(window.total()).to.equal(1);
    clock.now += 1000;
    expect(window.total()).to.equal(0);
  });

  it('treats a bucket left from an earlier lap of the ring as empty', () => {
    const clock = { now: T0 };
    const window = new RateWindow(2, () => clock.now);
    window.add(10);
    clock.now += 2000; // the same slot of the ring, two seconds later
    window.add(3);
    expect(window.total()).to.equal(3);
  });

  it('is empty after a long pause', () => {
    const clock = { now: T0 };
    const window = new RateWindow(10, () => clock.now);
    for (let second = 0; second < 10; second++, clock.now += 1000) window.add(1);
    expect(window.total()).to.equal(9);
    clock.now += 3_600_000;
    expect(window.total()).to.equal(0);
    expect(window.perSecond()).to.equal(0);
  });
});
