/**
 * `sendoff migrate` end to end against each S3 server of the test kit (s3rver, radosgw): a tree
 * with hard names and a multipart-sized file lands byte-equal under the prefix with its content
 * types; a second run uploads nothing; a dry run writes nothing; `--verify` reads everything back
 * and repairs an object overwritten in the bucket; names that are not valid keys are reported as
 * failures; symlinks leaving the root are ignored.
 */
import { expect } from 'chai';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { S3_TARGETS, type LocalS3 } from '@sendoff-tools/test-kit';
import { BUCKET, bytesFor, contentType, exists, fileDigest, keysWrittenSince, listTree, makeTempDir, objectDigest, objectKeys, objectVersions, parseReport, runCli, s3Env, writeTree } from './harness.js';

const HARD_NAMES: Record<string, Buffer | string> = {
  'Résumé – naïve.pdf': bytesFor(1, 3000),
  '100% done #1?.txt': 'one hundred percent\n',
  'plus+sign.txt': 'a+b=c\n',
  'with space/and more spaces.txt': 'spaces\n',
  'emoji 🎉/party 🥳.png': bytesFor(2, 777),
  'deep/a/b/c/d/e.json': '{"deep":true}\n',
  'empty.txt': '',
  'big/large.bin': bytesFor(3, 21 * 1024 * 1024 + 123),
};

for (const target of S3_TARGETS) {
  describe(`sendoff migrate: round trip (${target.name})`, function () {
    this.timeout(120_000);
    let s3: LocalS3;
    let source: string;
    let outside: string;

    before(async function () {
      this.timeout(target.startTimeoutMs + 10_000);
      s3 = await target.start(BUCKET);
      source = await makeTempDir('src');
      outside = await makeTempDir('outside');
      await writeTree(source, HARD_NAMES);
      await writeFile(join(outside, 'secret.txt'), 'not to be copied');
      await symlink(join(outside, 'secret.txt'), join(source, 'escape.txt'));
    });

    after(async () => {
      await s3.stop();
      await rm(source, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    });

    const to = (): string => `s3://${s3.bucket}/archive/2026`;
    const env = () => s3Env(s3.endpoint, s3.credentials);
    const keys = () => objectKeys(s3.client, s3.bucket);
    const versions = () => objectVersions(s3.client, s3.bucket);
    const writtenSince = (before: Map<string, string>) => keysWrittenSince(s3.client, s3.bucket, before);

    it('--dry-run lists every file and writes nothing (no object, no journal)', async () => {
      const result = await runCli(['migrate', '--from', source, '--to', to(), '--dry-run', '--json'], { env: env() });
      expect(result.code, result.stderr).to.equal(0);
      const report = parseReport(result);
      expect(report.wouldCopy).to.equal(Object.keys(HARD_NAMES).length);
      expect(report.copied).to.equal(0);
      expect(report.files.filter((f) => f.status === 'would-copy').map((f) => f.key).sort()).to.deep.equal(Object.keys(HARD_NAMES).sort());
      expect(await keys()).to.deep.equal([]);
      expect(await exists(join(source, '.sendoff-migrate.journal'))).to.equal(false);
    });

    it('copies every file byte-equal under the prefix, with its content type', async () => {
      const before = await versions();
      const result = await runCli(['migrate', '--from', source, '--to', to(), '--json'], { env: env() });
      expect(result.code, result.stderr).to.equal(0);
      const report = parseReport(result);
      const names = Object.keys(HARD_NAMES).sort();
      expect(report.copied).to.equal(names.length);
      expect(report.failed).to.equal(0);
      expect(report.bytes).to.equal(Object.values(HARD_NAMES).reduce((sum, content) => sum + Buffer.byteLength(content), 0));
      expect(await keys()).to.deep.equal(names.map((name) => `archive/2026/${name}`).sort());
      for (const name of names) {
        expect(await objectDigest(s3.client, s3.bucket, `archive/2026/${name}`), name).to.equal(await fileDigest(join(source, name)));
      }
      expect(await contentType(s3.client, s3.bucket, 'archive/2026/Résumé – naïve.pdf')).to.equal('application/pdf');
      expect(await contentType(s3.client, s3.bucket, 'archive/2026/emoji 🎉/party 🥳.png')).to.equal('image/png');
      expect(await contentType(s3.client, s3.bucket, 'archive/2026/big/large.bin')).to.equal('application/octet-stream');
      expect(await writtenSince(before)).to.deep.equal(names.map((name) => `archive/2026/${name}`).sort());
    });

    it('ignores the symlink leaving the root and says so', async () => {
      const result = await runCli(['migrate', '--from', source, '--to', to(), '--json'], { env: env() });
      const report = parseReport(result);
      expect(report.ignored).to.equal(1);
      expect(report.files).to.deep.include({ key: 'escape.txt', status: 'ignored', reason: 'symbolic link leaving the root' });
      expect(await keys()).to.not.include('archive/2026/escape.txt');
    });

    it('a second run over a finished migration uploads nothing', async () => {
      const before = await versions();
      const result = await runCli(['migrate', '--from', source, '--to', to(), '--json'], { env: env() });
      expect(result.code, result.stderr).to.equal(0);
      const report = parseReport(result);
      expect(report.copied).to.equal(0);
      expect(report.skipped).to.equal(Object.keys(HARD_NAMES).length);
      expect(await writtenSince(before)).to.deep.equal([]);
    });

    it('prints a text summary without --json', async () => {
      const result = await runCli(['migrate', '--from', source, '--to', to()], { env: env() });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^copied 0 files \(0 B\), skipped 8, failed 0, ignored 1 in \d+\.\d s/m);
      expect(result.stderr).to.include('ignored "escape.txt": symbolic link leaving the root');
    });

    it('copies again a file changed since its journal entry, and only that one', async () => {
      await writeFile(join(source, 'plus+sign.txt'), 'a+b=c, changed\n');
      const before = await versions();
      const result = await runCli(['migrate', '--from', source, '--to', to(), '--json'], { env: env() });
      const report = parseReport(result);
      expect(report.copied).to.equal(1);
      expect(report.files.find((f) => f.status === 'copied')).to.include({ key: 'plus+sign.txt', reason: 'changed since its last copy' });
      expect(await writtenSince(before)).to.deep.equal(['archive/2026/plus+sign.txt']);
      expect(await objectDigest(s3.client, s3.bucket, 'archive/2026/plus+sign.txt')).to.equal(await fileDigest(join(source, 'plus+sign.txt')));
    });

    it('--verify reads every journaled object back, the multipart one too, and copies again only one overwritten in the bucket', async () => {
      const intact = await versions();
      const checked = await runCli(['migrate', '--from', source, '--to', to(), '--verify', '--json'], { env: env() });
      expect(checked.code, checked.stderr).to.equal(0);
      expect(parseReport(checked)).to.include({ copied: 0, failed: 0, skipped: Object.keys(HARD_NAMES).length });
      expect(await writtenSince(intact)).to.deep.equal([]);

      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'archive/2026/with space/and more spaces.txt', Body: 'overwritten\n' }));
      const before = await versions();
      const repaired = await runCli(['migrate', '--from', source, '--to', to(), '--verify', '--json'], { env: env() });
      expect(repaired.code, repaired.stderr).to.equal(0);
      const report = parseReport(repaired);
      expect(report.copied).to.equal(1);
      expect(report.files.find((f) => f.status === 'copied')?.key).to.equal('with space/and more spaces.txt');
      expect(await writtenSince(before)).to.deep.equal(['archive/2026/with space/and more spaces.txt']);
      expect(await objectDigest(s3.client, s3.bucket, 'archive/2026/with space/and more spaces.txt')).to.equal(await fileDigest(join(source, 'with space/and more spaces.txt')));
    });

    it('reports a name that is not a valid key as failed (exit 1), and still copies the rest', async () => {
      const tree = await makeTempDir('badnames');
      try {
        await writeTree(tree, { 'ok.txt': 'fine\n', 'line\nbreak.txt': 'x', 'evil\u202etxt.exe': 'y', 'dir/back\\slash.txt': 'z' });
        const result = await runCli(['migrate', '--from', tree, '--to', `s3://${s3.bucket}/badnames`, '--json'], { env: env() });
        expect(result.code).to.equal(1);
        const report = parseReport(result);
        expect(report.copied).to.equal(1);
        expect(report.failed).to.equal(3);
        const failed = report.files.filter((f) => f.status === 'failed');
        expect(failed.map((f) => f.key).sort()).to.deep.equal(['dir/back\\slash.txt', 'evil\u202etxt.exe', 'line\nbreak.txt']);
        expect(failed.find((f) => f.key === 'line\nbreak.txt')?.reason).to.equal('invalid key: control character');
        expect(failed.find((f) => f.key === 'dir/back\\slash.txt')?.reason).to.equal('invalid key: backslash');
        expect(await keys()).to.include('badnames/ok.txt');
        expect((await keys()).filter((key) => key.startsWith('badnames/'))).to.deep.equal(['badnames/ok.txt']);
        const journal = await readFile(join(tree, '.sendoff-migrate.journal'), 'utf8');
        expect(journal.trim().split('\n').map((line) => (JSON.parse(line) as { key: string }).key)).to.deep.equal(['ok.txt']);
        expect(await listTree(tree)).to.include('line\nbreak.txt');
      } finally {
        await rm(tree, { recursive: true, force: true });
      }
    });
    it("never copies sendoff's own _sendoff/ directory (the doctor's probe), and says so", async () => {
      const tree = await makeTempDir('reserved');
      try {
        await writeTree(tree, { 'kept.txt': 'kept\n', '_sendoff/probe.bin': 'probe bytes', 'not_sendoff/x.txt': 'x\n' });
        const result = await runCli(['migrate', '--from', tree, '--to', `s3://${s3.bucket}/reserved`, '--json'], { env: env() });
        expect(result.code, result.stderr).to.equal(0);
        const report = parseReport(result);
        expect(report.copied).to.equal(2);
        expect(report.ignored).to.equal(1);
        expect(report.files.find((f) => f.status === 'ignored')?.key).to.equal('_sendoff');
        expect((await keys()).filter((key) => key.startsWith('reserved/'))).to.deep.equal(['reserved/kept.txt', 'reserved/not_sendoff/x.txt']);
      } finally {
        await rm(tree, { recursive: true, force: true });
      }
    });
  });
}
