/**
 * Every copy is proven: by the store's MD5 ETag of what it received, or by reading the object back
 * (`--read-back` always). A store that received or returns other bytes than those uploaded gets the
 * file uploaded again (bounded), then reported as failed, never journaled. An object changed in the
 * store after a finished migration is found by `--verify` and copied again.
 */
import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorruptingProxy } from './corrupting-proxy.js';
import { startProxiedStore, stopProxiedStore } from './proxied-store.js';
import { BUCKET, LocalS3, bytesFor, exists, fileDigest, journalKeys, parseReport, runCli, s3Env } from './harness.js';

describe('sendoff migrate: verification', function () {
  this.timeout(120_000);
  let s3: LocalS3;
  let proxy: CorruptingProxy;
  let source: string;
  const files = {
    'reports/q1.csv': 'quarter,total\nq1,100\n',
    'reports/q2.csv': 'quarter,total\nq2,200\n',
    'scans/contract.pdf': bytesFor(7, 70_000),
  };

  beforeEach(async () => {
    ({ s3, proxy, source } = await startProxiedStore('verify', files));
  });

  afterEach(() => stopProxiedStore({ s3, proxy, source }));

  const migrate = (...extra: string[]) =>
    runCli(['migrate', '--from', source, '--to', `s3://${BUCKET}/v`, '--json', ...extra], { env: s3Env(proxy.endpoint) });

  it('uploads again when the store received other bytes (ETag mismatch, read-back confirms)', async () => {
    proxy.corruptUploads.set(`/${BUCKET}/v/reports/q1.csv`, 1);
    const result = await migrate();
    expect(result.code, result.stderr).to.equal(0);
    const report = parseReport(result);
    expect(report.copied).to.equal(3);
    expect(report.files.find((f) => f.key === 'reports/q1.csv')).to.include({ status: 'copied', attempts: 2 });
    expect(proxy.puts.get(`/${BUCKET}/v/reports/q1.csv`)).to.equal(2);
    expect(proxy.puts.get(`/${BUCKET}/v/reports/q2.csv`)).to.equal(1);
    expect(await s3.objectDigest(BUCKET, 'v/reports/q1.csv')).to.equal(await fileDigest(join(source, 'reports/q1.csv')));
    const journal = (await readFile(join(source, '.sendoff-migrate.journal'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { key: string; verifiedBy: string });
    expect(journal.map((entry) => entry.verifiedBy)).to.deep.equal(['etag', 'etag', 'etag']);
  });

  it('fails a file whose uploads keep arriving damaged (exit 1), journals only the others', async () => {
    proxy.corruptUploads.set(`/${BUCKET}/v/reports/q2.csv`, Infinity);
    const result = await migrate();
    expect(result.code).to.equal(1);
    const report = parseReport(result);
    expect(report.copied).to.equal(2);
    expect(report.files.find((f) => f.key === 'reports/q2.csv')?.reason).to.match(/^verification failed: the store holds 21 bytes/);
    expect(proxy.puts.get(`/${BUCKET}/v/reports/q2.csv`)).to.equal(3);
    expect(journalKeys(await readFile(join(source, '.sendoff-migrate.journal'), 'utf8')).sort()).to.deep.equal(['reports/q1.csv', 'scans/contract.pdf']);
  });

  it('--read-back: uploads again when the object read back differs once', async () => {
    proxy.corrupt.set(`/${BUCKET}/v/scans/contract.pdf`, 1);
    const result = await migrate('--read-back');
    expect(result.code, result.stderr).to.equal(0);
    const report = parseReport(result);
    expect(report.copied).to.equal(3);
    expect(report.files.find((f) => f.key === 'scans/contract.pdf')).to.include({ status: 'copied', attempts: 2 });
    expect(proxy.puts.get(`/${BUCKET}/v/scans/contract.pdf`)).to.equal(2);
    expect(proxy.puts.get(`/${BUCKET}/v/reports/q1.csv`)).to.equal(1);
    expect(await s3.objectDigest(BUCKET, 'v/scans/contract.pdf')).to.equal(await fileDigest(join(source, 'scans/contract.pdf')));
  });

  it('--read-back: reports a copy that never reads back right as failed (exit 1), keeps it out of the journal and its source on disk', async () => {
    proxy.corrupt.set(`/${BUCKET}/v/reports/q2.csv`, Infinity);
    const result = await migrate('--delete-source', '--read-back');
    expect(result.code).to.equal(1);
    const report = parseReport(result);
    expect(report.copied).to.equal(2);
    expect(report.failed).to.equal(1);
    const failed = report.files.find((f) => f.key === 'reports/q2.csv');
    expect(failed?.status).to.equal('failed');
    expect(failed?.reason).to.match(/^verification failed: the store holds 21 bytes with MD5 [0-9a-f]{32}, expected 21 bytes with MD5 [0-9a-f]{32}$/);
    expect(proxy.puts.get(`/${BUCKET}/v/reports/q2.csv`)).to.equal(3);
    const journal = journalKeys(await readFile(join(source, '.sendoff-migrate.journal'), 'utf8'));
    expect(journal.sort()).to.deep.equal(['reports/q1.csv', 'scans/contract.pdf']);
    expect(report.deleted).to.equal(2);
    expect(await exists(join(source, 'reports/q2.csv'))).to.equal(true);
    expect(await exists(join(source, 'reports/q1.csv'))).to.equal(false);
    expect(await exists(join(source, 'scans/contract.pdf'))).to.equal(false);
  });

  it('--verify finds an object changed behind the store\'s back and copies it again', async () => {
    const first = await migrate();
    expect(first.code, first.stderr).to.equal(0);
    const path = s3.objectPath(BUCKET, 'v/reports/q1.csv');
    await writeFile(path, 'quarter,total\nq1,999\n');
    expect(await s3.objectDigest(BUCKET, 'v/reports/q1.csv')).to.not.equal(await fileDigest(join(source, 'reports/q1.csv')));

    s3.created = [];
    const plain = parseReport(await migrate());
    expect(plain.copied, 'without --verify the journal is trusted').to.equal(0);

    const checked = await migrate('--verify');
    expect(checked.code, checked.stderr).to.equal(0);
    const report = parseReport(checked);
    expect(report.copied).to.equal(1);
    expect(report.skipped).to.equal(2);
    expect(report.files[0]?.key).to.equal('reports/q1.csv');
    expect(report.files[0]?.reason).to.match(/^the stored object differs from the verified copy \(21 bytes, MD5 [0-9a-f]{32}\)$/);
    expect(s3.created).to.deep.equal(['v/reports/q1.csv']);
    expect(await s3.objectDigest(BUCKET, 'v/reports/q1.csv')).to.equal(await fileDigest(join(source, 'reports/q1.csv')));

    s3.created = [];
    const again = parseReport(await migrate('--verify'));
    expect(again.copied).to.equal(0);
    expect(again.skipped).to.equal(3);
    expect(s3.created).to.deep.equal([]);
  });

  it('--verify --dry-run names the damaged object and writes nothing', async () => {
    await migrate();
    await writeFile(s3.objectPath(BUCKET, 'v/scans/contract.pdf'), 'truncated');
    s3.created = [];
    const result = await migrate('--verify', '--dry-run');
    expect(result.code, result.stderr).to.equal(0);
    const report = parseReport(result);
    expect(report.wouldCopy).to.equal(1);
    expect(report.files[0]).to.include({ key: 'scans/contract.pdf', status: 'would-copy' });
    expect(s3.created).to.deep.equal([]);
    expect(await s3.objectDigest(BUCKET, 'v/scans/contract.pdf')).to.not.equal(await fileDigest(join(source, 'scans/contract.pdf')));
  });
});
