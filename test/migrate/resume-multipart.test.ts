/**
 * A migration killed with SIGKILL in the middle of a multipart upload (a file above the single-part
 * limit, one part stored and another on its way) resumes: the rerun uploads the large file again
 * from its first part and copies what was left, every object ends byte-equal, the journal lists
 * every file, and a third run uploads nothing.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { SINGLE_PART_LIMIT } from '../../packages/cli/src/commands/migrate/s3-upload-target.js';
import type { CorruptingProxy, WriteEvent } from './corrupting-proxy.js';
import { startProxiedStore, stopProxiedStore } from './proxied-store.js';
import { BUCKET, LocalS3, bytesFor, fileDigest, journalKeys, parseReport, runCli, s3Env } from './harness.js';

const LARGE_SIZE = 20 * 1024 * 1024 + 5;
const LARGE = 'm/large.bin';
const LARGE_PATH = `/${BUCKET}/mp/${LARGE}`;
const FILES: Record<string, Buffer> = {
  'a/first.txt': bytesFor(301, 1200),
  [LARGE]: bytesFor(302, LARGE_SIZE),
  'z/last.bin': bytesFor(303, 300_000),
};
const NAMES = Object.keys(FILES).sort();

describe('sendoff migrate: kill -9 during a multipart upload', function () {
  this.timeout(180_000);
  let s3: LocalS3;
  let proxy: CorruptingProxy;
  let source: string;

  before(async () => {
    ({ s3, proxy, source } = await startProxiedStore('resume-mp', FILES));
  });

  after(() => stopProxiedStore({ s3, proxy, source }));

  it('resumes a large file killed between its parts: byte-equal, journal complete, nothing uploaded twice after', async () => {
    expect(LARGE_SIZE, 'the large file must go up in several parts').to.be.above(2 * SINGLE_PART_LIMIT);
    const journal = join(source, '.sendoff-migrate.journal');
    const args = ['migrate', '--from', source, '--to', `s3://${BUCKET}/mp`, '--concurrency', '1', '--json'];
    // Parts are held long enough that when the first one is answered another is still on its way.
    proxy.holdUploadsMs = 300;
    let child: ChildProcess | undefined;
    let inFlightAtKill = -1;
    proxy.onWriteAnswered = (event: WriteEvent) => {
      if (event.part && event.status === 200 && event.path === LARGE_PATH && inFlightAtKill < 0) {
        inFlightAtKill = proxy.inFlight;
        child?.kill('SIGKILL');
      }
    };
    const killed = await runCli(args, { env: s3Env(proxy.endpoint), onSpawn: (spawned) => (child = spawned) });
    proxy.onWriteAnswered = undefined;
    proxy.holdUploadsMs = 0;

    expect(killed.signal).to.equal('SIGKILL');
    expect(proxy.partsDone.get(LARGE_PATH), 'parts of the large file stored before the kill').to.be.at.least(1);
    expect(inFlightAtKill, 'uploads still in flight at the kill').to.be.at.least(1);
    expect(journalKeys(await readFile(journal, 'utf8'))).to.deep.equal(['a/first.txt']);
    expect(await s3.objectKeys(BUCKET), 'the interrupted multipart upload never became an object').to.deep.equal(['mp/a/first.txt']);

    s3.created = [];
    proxy.puts.clear();
    proxy.partsDone.clear();
    const rerun = await runCli(args, { env: s3Env(proxy.endpoint) });
    expect(rerun.code, rerun.stderr).to.equal(0);
    const report = parseReport(rerun);
    expect(report.skipped).to.equal(1);
    expect(report.copied).to.equal(2);
    expect(report.failed).to.equal(0);
    expect(report.files.map((f) => [f.key, f.status])).to.deep.equal([
      [LARGE, 'copied'],
      ['z/last.bin', 'copied'],
    ]);
    const parts = Math.ceil(LARGE_SIZE / SINGLE_PART_LIMIT);
    expect(proxy.partsDone.get(LARGE_PATH), 'the large file went up again, every part').to.equal(parts);
    expect(proxy.puts.get(`/${BUCKET}/mp/a/first.txt`), 'the journaled file was not sent again').to.equal(undefined);
    expect([...s3.created].sort()).to.deep.equal([`mp/${LARGE}`, 'mp/z/last.bin']);

    expect(await s3.objectKeys(BUCKET)).to.deep.equal(NAMES.map((name) => `mp/${name}`));
    for (const name of NAMES) {
      expect(await s3.objectDigest(BUCKET, `mp/${name}`), name).to.equal(await fileDigest(join(source, name)));
    }
    expect([...new Set(journalKeys(await readFile(journal, 'utf8')))].sort()).to.deep.equal(NAMES);

    s3.created = [];
    proxy.puts.clear();
    const third = await runCli(args, { env: s3Env(proxy.endpoint) });
    expect(third.code, third.stderr).to.equal(0);
    const again = parseReport(third);
    expect(again.copied).to.equal(0);
    expect(again.skipped).to.equal(NAMES.length);
    expect(s3.created).to.deep.equal([]);
    expect(proxy.puts.size).to.equal(0);
  });
});
