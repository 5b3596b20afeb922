/**
 * Bad input gets one clear line and exit code 2 before anything is written (missing bucket, refused
 * or absent credentials, unreachable endpoint, a --from that is not a directory, a malformed --to or
 * option); an unreadable file fails alone (exit 1) while the others are copied. The journal of an
 * earlier run is left byte-for-byte intact throughout.
 */
import { expect } from 'chai';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUCKET, LocalS3, chownTree, exists, journalKeys, makeTempDir, parseReport, runCli, s3Env, writeTree } from './harness.js';
import { findFreePort } from '@sendoff-tools/web-servers';

/** Root reads everything: the unreadable-file test runs the CLI as an ordinary user then. */
const OTHER_UID = process.getuid?.() === 0 ? 65534 : undefined;

describe('sendoff migrate: bad input', function () {
  this.timeout(120_000);
  let s3: LocalS3;
  let source: string;
  let journal: string;
  let journalBefore: string;

  before(async () => {
    s3 = await LocalS3.start();
    await s3.createBucket(BUCKET);
    source = await makeTempDir('bad');
    await writeTree(source, { 'a.txt': 'alpha\n', 'b/c.txt': 'gamma\n' });
    const first = await runCli(['migrate', '--from', source, '--to', `s3://${BUCKET}/bad`], { env: s3Env(s3.endpoint) });
    expect(first.code, first.stderr).to.equal(0);
    journal = join(source, '.sendoff-migrate.journal');
    journalBefore = await readFile(journal, 'utf8');
  });

  afterEach(async () => {
    expect(await readFile(journal, 'utf8')).to.equal(journalBefore);
  });

  after(async () => {
    await s3.stop();
    await rm(source, { recursive: true, force: true });
  });

  const usageError = async (args: string[], env: Record<string, string | undefined>, message: string | RegExp): Promise<void> => {
    s3.created = [];
    const result = await runCli(['migrate', ...args], { env });
    expect(result.code, result.stderr).to.equal(2);
    if (typeof message === 'string') expect(result.stderr).to.include(message);
    else expect(result.stderr).to.match(message);
    expect(result.stdout).to.equal('');
    expect(s3.created).to.deep.equal([]);
  };

  it('a missing bucket: exit 2, "bucket X does not exist"', async () => {
    await usageError(['--from', source, '--to', 's3://no-such-bucket/x'], s3Env(s3.endpoint), 'sendoff migrate: bucket no-such-bucket does not exist\n');
  });

  it('refused credentials: exit 2, naming the variables to check', async () => {
    const env = { ...s3Env(s3.endpoint), AWS_ACCESS_KEY_ID: 'WRONGKEY' };
    await usageError(['--from', source, '--to', `s3://${BUCKET}/x`], env, /^sendoff migrate: access to bucket migration-test refused \(.*HTTP 403.*\): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n$/);
  });

  it('no credentials at all: exit 2', async () => {
    const env = { ...s3Env(s3.endpoint), AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };
    await usageError(['--from', source, '--to', `s3://${BUCKET}/x`], env, 'sendoff migrate: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n');
  });

  it('an endpoint nobody listens on: exit 2', async () => {
    const port = await findFreePort();
    await usageError(['--from', source, '--to', `s3://${BUCKET}/x`, '--endpoint', `http://127.0.0.1:${port}`], s3Env(s3.endpoint), /^sendoff migrate: cannot reach bucket migration-test at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('a --from that does not exist, or is a file: exit 2', async () => {
    await usageError(['--from', join(source, 'nope'), '--to', `s3://${BUCKET}/x`], s3Env(s3.endpoint), `sendoff migrate: --from ${join(source, 'nope')} does not exist\n`);
    await usageError(['--from', join(source, 'a.txt'), '--to', `s3://${BUCKET}/x`], s3Env(s3.endpoint), `sendoff migrate: --from ${join(source, 'a.txt')} is not a directory\n`);
  });

  for (const to of ['migration-test/x', 's3://', 's3:///x', 's3://Upper-Case/x', 's3://ab/x', 's3://b..c/x', 'http://migration-test/x', `s3://${BUCKET}/../x`, `s3://${BUCKET}/a//b`]) {
    it(`a malformed --to ${JSON.stringify(to)}: exit 2`, async () => {
      await usageError(['--from', source, '--to', to], s3Env(s3.endpoint), /^sendoff migrate: --to/);
    });
  }

  it('malformed options: exit 2', async () => {
    const env = s3Env(s3.endpoint);
    await usageError(['--from', source, '--to', `s3://${BUCKET}/x`, '--concurrency', '0'], env, '--concurrency must be a whole number from 1 to 256, got "0"');
    await usageError(['--from', source, '--to', `s3://${BUCKET}/x`, '--concurrency', 'lots'], env, '--concurrency must be a whole number');
    await usageError(['--from', source, '--to', `s3://${BUCKET}/x`, '--bogus'], env, /Unknown option '--bogus'/);
    await usageError(['--from', source], env, '--to is required');
    await usageError(['--to', `s3://${BUCKET}/x`], env, '--from is required');
    await usageError(['--from', source, '--to', `s3://${BUCKET}/x`, '--dry-run', '--delete-source'], env, '--dry-run and --delete-source cannot be combined');
    await usageError(['--from', source, '--to', `s3://${BUCKET}/x`, '--endpoint', 'not a url'], env, '--endpoint must be a URL');
  });

  it('an unreadable file or directory fails alone (exit 1); the rest is copied and deleted only once verified', async () => {
    const tree = await makeTempDir('unreadable');
    try {
      await writeTree(tree, { 'ok/one.txt': 'one\n', 'ok/two.txt': 'two\n', 'locked.txt': 'secret\n', 'closed/inside.txt': 'inside\n' });
      if (OTHER_UID !== undefined) await chownTree(tree, OTHER_UID);
      await chmod(join(tree, 'locked.txt'), 0o000);
      await chmod(join(tree, 'closed'), 0o000);
      const result = await runCli(['migrate', '--from', tree, '--to', `s3://${BUCKET}/unreadable`, '--json', '--delete-source'], {
        env: s3Env(s3.endpoint),
        ...(OTHER_UID === undefined ? {} : { uid: OTHER_UID }),
      });
      expect(result.code, result.stderr).to.equal(1);
      const report = parseReport(result);
      expect(report.copied).to.equal(2);
      expect(report.failed).to.equal(2);
      expect(report.deleted).to.equal(2);
      expect(report.files.find((f) => f.key === 'locked.txt')).to.include({ status: 'failed', reason: 'cannot read the file: EACCES' });
      expect(report.files.find((f) => f.key === 'closed')).to.include({ status: 'failed', reason: 'cannot read directory: EACCES' });
      expect(await exists(join(tree, 'locked.txt'))).to.equal(true);
      expect(await exists(join(tree, 'ok/one.txt'))).to.equal(false);
      const keys = (await s3.objectKeys(BUCKET)).filter((key) => key.startsWith('unreadable/'));
      expect(keys).to.deep.equal(['unreadable/ok/one.txt', 'unreadable/ok/two.txt']);
      expect(journalKeys(await readFile(join(tree, '.sendoff-migrate.journal'), 'utf8')).sort()).to.deep.equal(['ok/one.txt', 'ok/two.txt']);
    } finally {
      await chmod(join(tree, 'closed'), 0o755).catch(() => undefined);
      await rm(tree, { recursive: true, force: true });
    }
  });

  it('--journal puts the journal elsewhere and leaves the source tree untouched', async () => {
    const tree = await makeTempDir('journal');
    const elsewhere = await makeTempDir('journal-dir');
    try {
      await writeTree(tree, { 'x.txt': 'x\n' });
      await mkdir(join(elsewhere, 'sub'));
      const path = join(elsewhere, 'sub', 'run.journal');
      const result = await runCli(['migrate', '--from', tree, '--to', `s3://${BUCKET}/elsewhere`, '--journal', path, '--json'], { env: s3Env(s3.endpoint) });
      expect(result.code, result.stderr).to.equal(0);
      expect(journalKeys(await readFile(path, 'utf8'))).to.deep.equal(['x.txt']);
      expect(await exists(join(tree, '.sendoff-migrate.journal'))).to.equal(false);
      await writeFile(join(tree, 'y.txt'), 'y\n');
      const second = parseReport(await runCli(['migrate', '--from', tree, '--to', `s3://${BUCKET}/elsewhere`, '--journal', path, '--json'], { env: s3Env(s3.endpoint) }));
      expect(second.copied).to.equal(1);
      expect(second.skipped).to.equal(1);
    } finally {
      await rm(tree, { recursive: true, force: true });
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});

