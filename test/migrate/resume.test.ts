/**
 * A migration killed with SIGKILL in the middle resumes: the rerun copies exactly the files the
 * journal does not prove copied, every object ends byte-equal, and a torn last journal line (what a
 * crash mid-write leaves) is tolerated.
 */
import { expect } from 'chai';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { BUCKET, LocalS3, bytesFor, fileDigest, journalKeys, makeTempDir, parseReport, runCli, s3Env, writeTree } from './harness.js';

const FILE_COUNT = 14;
const FILE_SIZE = 6 * 1024 * 1024 + 17;

describe('sendoff migrate: kill -9 and resume', function () {
  this.timeout(180_000);
  let s3: LocalS3;
  let source: string;
  const names = Array.from({ length: FILE_COUNT }, (_, i) => `batch/file ${String(i).padStart(2, '0')}.bin`);

  before(async () => {
    s3 = await LocalS3.start();
    await s3.createBucket(BUCKET);
    source = await makeTempDir('resume');
    await writeTree(source, Object.fromEntries(names.map((name, i) => [name, bytesFor(100 + i, FILE_SIZE)])));
  });

  after(async () => {
    await s3.stop();
    await rm(source, { recursive: true, force: true });
  });

  it('finishes after a SIGKILL without re-uploading verified files or missing any', async () => {
    const journal = join(source, '.sendoff-migrate.journal');
    const args = ['migrate', '--from', source, '--to', `s3://${BUCKET}/resume`, '--concurrency', '1', '--json'];
    let child: ChildProcess | undefined;
    let watcher: NodeJS.Timeout | undefined;
    const killed = await runCli(args, {
      env: s3Env(s3.endpoint),
      onSpawn: (spawned) => {
        child = spawned;
        watcher = setInterval(() => {
          void readFile(journal, 'utf8').then(
            (text) => {
              if (journalKeys(text).length >= 1) child?.kill('SIGKILL');
            },
            () => undefined,
          );
        }, 10);
      },
    });
    clearInterval(watcher);
    expect(killed.signal).to.equal('SIGKILL');

    // What a crash in the middle of an append leaves behind.
    await appendFile(journal, '{"target":"s3://migration-test/resume","key":"batch/fi');
    const verified = journalKeys(await readFile(journal, 'utf8'));
    expect(verified.length).to.be.at.least(1);
    expect(verified.length, 'the kill came too late to test a resume').to.be.below(FILE_COUNT);

    s3.created = [];
    const rerun = await runCli(args, { env: s3Env(s3.endpoint) });
    expect(rerun.code, rerun.stderr).to.equal(0);
    const report = parseReport(rerun);
    const expectedCopies = names.filter((name) => !verified.includes(name));
    expect(report.copied).to.equal(expectedCopies.length);
    expect(report.skipped).to.equal(verified.length);
    expect(report.files.filter((f) => f.status === 'copied').map((f) => f.key).sort()).to.deep.equal(expectedCopies);
    // A PutObject the SDK retried (a slow server) is created twice: what counts is which objects were written.
    expect([...new Set(s3.created)].sort()).to.deep.equal(expectedCopies.map((name) => `resume/${name}`));

    expect(await s3.objectKeys(BUCKET)).to.deep.equal(names.map((name) => `resume/${name}`));
    for (const name of names) {
      expect(await s3.objectDigest(BUCKET, `resume/${name}`), name).to.equal(await fileDigest(join(source, name)));
    }
    const after = journalKeys(await readFile(journal, 'utf8'));
    expect([...new Set(after)].sort()).to.deep.equal(names);

    s3.created = [];
    const third = parseReport(await runCli(args, { env: s3Env(s3.endpoint) }));
    expect(third.copied).to.equal(0);
    expect(third.skipped).to.equal(FILE_COUNT);
    expect(s3.created).to.deep.equal([]);
  });
});
