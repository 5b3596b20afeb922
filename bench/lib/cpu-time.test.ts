import { expect } from 'chai';
import { cpuSecondsOf, readCpuSeconds, withCpuTime } from './cpu-time.js';

// A real line's layout: pid, (comm), state, ppid ... utime=250 stime=37 at fields 14 and 15.
const STAT = '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194304 5000 0 0 0 250 37 0 0 20 0 11 0 900 1000000 5000';

describe('cpu time of a process', () => {
  it('adds utime and stime, in seconds, even when the command name holds spaces and parentheses', () => {
    expect(cpuSecondsOf(STAT)).to.equal(2.87);
  });

  it('gives nothing for a line it cannot read', () => {
    expect(cpuSecondsOf('garbage')).to.equal(undefined);
    expect(cpuSecondsOf('1 (x) S 1')).to.equal(undefined);
  });

  it('reads this process and sees the CPU a busy loop used', async () => {
    const { result, cpuSeconds } = await withCpuTime(process.pid, async () => {
      let spins = 0;
      const until = process.cpuUsage();
      while (process.cpuUsage(until).user < 300_000) spins++;
      return spins;
    });
    expect(result).to.be.greaterThan(0);
    // 0.3 s of user time, read at 10 ms resolution.
    expect(cpuSeconds).to.be.at.least(0.28);
  });

  it('gives undefined for a process that does not exist', async () => {
    expect(await readCpuSeconds(2 ** 22 + 12345)).to.equal(undefined);
  });
});
