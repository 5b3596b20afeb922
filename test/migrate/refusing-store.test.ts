/**
 * A store that starts refusing writes in the middle of a run (403 AccessDenied after a few
 * uploads, as when a bucket policy or a key changes): the run stops with exit 2 and says why in
 * the report, the journal lists exactly the verified copies (each one byte-equal in the bucket),
 * `--delete-source` removes only those, and a rerun once writes go through again finishes the job.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorruptingProxy } from './corrupting-proxy.js';
import { startProxiedStore, stopProxiedStore } from './proxied-store.js';
import { BUCKET, LocalS3, bytesFor, exists, journalKeys, listTree, parseReport, runCli, s3Env } from './harness.js';

const FILES: Record<string, Buffer> = Object.fromEntries(
  Array.from({ length: 8 }, (_, i) => [`r/doc-${i}.bin`, bytesFor(500 + i, 3000 + 211 * i)]),
);
const NAMES = Object.keys(FILES).sort();
const PASSED = 3;
const REFUSAL = /^AccessDenied \(HTTP 403\): Access Denied$/;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('sendoff migrate: a store that starts refusing mid-run', function () {
  this.timeout(180_000);
  let s3: LocalS3;
  let proxy: CorruptingProxy;
  let source: string;

  before(async () => {
    ({ s3, proxy, source } = await startProxiedStore('refused', FILES));
  });

  after(() => stopProxiedStore({ s3, proxy, source }));

  it('stops with exit 2, journals and deletes only the verified copies, and a rerun finishes', async () => {
    const journal = join(source, '.sendoff-migrate.journal');
    const args = ['migrate', '--from', source, '--to', `s3://${BUCKET}/r`, '--concurrency', '2', '--delete-source', '--json'];
    proxy.refuseWritesAfter = PASSED;
    proxy.holdUploadsMs = 50;
    const stopped = await runCli(args, { env: s3Env(proxy.endpoint) });
    expect(stopped.code, stopped.stderr).to.equal(2);
    expect(stopped.stderr).to.match(/^sendoff migrate: stopped: AccessDenied \(HTTP 403\): Access Denied\n$/);
    const report = parseReport(stopped);
    expect(report.aborted).to.match(REFUSAL);
    expect(proxy.writesPassed).to.equal(PASSED);
    expect(report.copied).to.equal(PASSED);
    expect(report.deleted).to.equal(PASSED);
    expect(report.failed).to.be.at.least(1);
    expect(report.copied + report.failed + report.notAttempted).to.equal(NAMES.length);
    for (const failed of report.files.filter((f) => f.status === 'failed')) expect(failed.reason, failed.key).to.match(REFUSAL);

    const verified = journalKeys(await readFile(journal, 'utf8')).sort();
    const copied = report.files.filter((f) => f.status === 'copied').map((f) => f.key).sort();
    expect(verified).to.deep.equal(copied);
    expect(verified).to.have.length(PASSED);
    expect(await s3.objectKeys(BUCKET)).to.deep.equal(verified.map((name) => `r/${name}`));
    for (const name of verified) {
      expect(await s3.objectDigest(BUCKET, `r/${name}`), name).to.equal(sha256(FILES[name] as Buffer));
      expect(await exists(join(source, name)), `${name} deleted once verified`).to.equal(false);
    }
    const left = NAMES.filter((name) => !verified.includes(name));
    expect(await listTree(source)).to.deep.equal(['.sendoff-migrate.journal', ...left].sort());
    for (const name of left) expect(await readFile(join(source, name)), name).to.deep.equal(FILES[name]);

    proxy.refuseWritesAfter = undefined;
    proxy.puts.clear();
    const rerun = await runCli(args, { env: s3Env(proxy.endpoint) });
    expect(rerun.code, rerun.stderr).to.equal(0);
    const finished = parseReport(rerun);
    expect(finished.aborted).to.equal(undefined);
    expect(finished.copied).to.equal(left.length);
    expect(finished.failed).to.equal(0);
    expect(finished.files.map((f) => f.key).sort()).to.deep.equal(left);
    expect([...proxy.puts.keys()].sort()).to.deep.equal(left.map((name) => `/${BUCKET}/r/${name}`));
    expect(await s3.objectKeys(BUCKET)).to.deep.equal(NAMES.map((name) => `r/${name}`));
    for (const name of NAMES) expect(await s3.objectDigest(BUCKET, `r/${name}`), name).to.equal(sha256(FILES[name] as Buffer));
    expect([...new Set(journalKeys(await readFile(journal, 'utf8')))].sort()).to.deep.equal(NAMES);
    expect(await listTree(source)).to.deep.equal(['.sendoff-migrate.journal']);
  });
});
