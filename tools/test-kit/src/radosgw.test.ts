import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { RADOSGW_START_TIMEOUT_MS, startRadosgw } from './radosgw.js';

/** Whether a process with this id is running (signal 0 only asks). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startRadosgw: a one-node Ceph cluster with radosgw', () => {
  it('answers S3 on 127.0.0.1 with its own keys; stop() ends every daemon and removes its directory', async function () {
    this.timeout(RADOSGW_START_TIMEOUT_MS + 30_000);
    const rgw = await startRadosgw();
    try {
      expect(rgw.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(rgw.pids).to.have.length(3);
      for (const pid of rgw.pids) expect(isRunning(pid), `pid ${pid}`).to.equal(true);
      await rgw.client.send(new CreateBucketCommand({ Bucket: 'lifecycle-check' }));
      await rgw.client.send(new PutObjectCommand({ Bucket: 'lifecycle-check', Key: 'a b/ü.txt', Body: 'stored in radosgw\n' }));
      const object = await rgw.client.send(new GetObjectCommand({ Bucket: 'lifecycle-check', Key: 'a b/ü.txt' }));
      expect(await object.Body!.transformToString()).to.equal('stored in radosgw\n');
      const anonymous = await fetch(`${rgw.endpoint}/lifecycle-check/a%20b/%C3%BC.txt`);
      expect(anonymous.status).to.equal(403);
      expect(await anonymous.text()).to.include('<Code>AccessDenied</Code>');
    } finally {
      await rgw.stop();
    }
    for (const pid of rgw.pids) expect(isRunning(pid), `pid ${pid} after stop`).to.equal(false);
    expect(existsSync(rgw.directory)).to.equal(false);
  });

  it('names the Debian packages when a binary is missing, before starting anything', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sendoff-no-ceph-'));
    try {
      const failure = await startRadosgw({ binDirs: [empty] }).then(() => undefined, (error: unknown) => error as Error);
      expect(failure?.message).to.equal('monmaptool, ceph-mon, ceph-osd, ceph, radosgw, radosgw-admin not found: ' +
        'install the Debian packages ceph-mon ceph-osd radosgw ceph-common (apt-get install -y ceph-mon ceph-osd radosgw ceph-common)');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('gives up at its bound with the daemons\' last log lines, and leaves nothing behind', async function () {
    this.timeout(60_000);
    const before = new Set(listRadosgwDirs());
    const failure = await startRadosgw({ readyTimeoutMs: 1 }).then(() => undefined, (error: unknown) => error as Error);
    expect(failure?.message).to.match(/^radosgw did not come up after \d+ ms: /);
    expect(failure?.message).to.include('--- mon.a.log');
    expect(listRadosgwDirs().filter((dir) => !before.has(dir))).to.deep.equal([]);
  });
});

function listRadosgwDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('sendoff-radosgw-'));
}
