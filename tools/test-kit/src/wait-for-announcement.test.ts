import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { stopChild } from './child-server.js';
import { waitForAnnouncement } from './wait-for-announcement.js';

const numberFrom = (line: string): number | undefined => (/^ready (\d+)$/.exec(line) ? Number(line.slice(6)) : undefined);

describe('waitForAnnouncement', () => {
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child) await stopChild(child);
    child = undefined;
  });

  function node(source: string): ChildProcess {
    child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
    return child;
  }

  it('resolves with the value of the first announcing line, skipping the others', async () => {
    const running = node('console.log("starting"); console.log("ready 41"); console.log("ready 42"); setInterval(() => {}, 1000);');
    expect(await waitForAnnouncement(running, { read: numberFrom, what: 'number', timeoutMs: 30_000 })).to.equal(41);
  });

  it('rejects with the exit code when the process exits before announcing', async () => {
    const failing = node('console.log("no luck"); process.exit(3);');
    const error = await waitForAnnouncement(failing, { read: numberFrom, what: 'number', timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.equal('exited with code 3');
  });

  it('rejects naming what it waited for when nothing is announced in time', async () => {
    const silent = node('setInterval(() => {}, 1000);');
    const error = await waitForAnnouncement(silent, { read: numberFrom, what: 'number', timeoutMs: 200 }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('no number after 200 ms');
  });
});
