/**
 * On a terminal, `sendoff migrate` draws a progress bar (files, bytes, rate) before its summary;
 * with stdout piped it prints the summary alone. The terminal is a pseudo-terminal from
 * util-linux `script`.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BUCKET, LocalS3, ROOT, bytesFor, makeTempDir, runCli, s3Env, writeTree } from './harness.js';

describe('sendoff migrate: progress', function () {
  this.timeout(60_000);
  let s3: LocalS3;
  let source: string;

  before(async () => {
    s3 = await LocalS3.start();
    await s3.createBucket(BUCKET);
    source = await makeTempDir('progress');
    await writeTree(source, Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.bin`, bytesFor(i, 64 * 1024)])));
  });

  after(async () => {
    await s3.stop();
    await rm(source, { recursive: true, force: true });
  });

  it('draws a bar with files, bytes and rate when stdout is a terminal', async () => {
    const command = [
      process.execPath, '--import', 'tsx', join(ROOT, 'packages/cli/src/main.ts'),
      'migrate', '--from', source, '--to', `s3://${BUCKET}/tty`,
    ].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, ...s3Env(s3.endpoint), NODE_NO_WARNINGS: '1', AWS_EC2_METADATA_DISABLED: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${text}`))));
    });
    expect(output).to.match(/migrating \[=+\] 100% \| 12\/12 files \| 768\.0 KiB\/768\.0 KiB \| [\d.]+ (B|KiB|MiB)\/s/);
    expect(output).to.match(/copied 12 files \(768\.0 KiB\), skipped 0, failed 0, ignored 0 in [\d.]+ s/);
  });

  it('prints no bar when stdout is not a terminal', async () => {
    const result = await runCli(['migrate', '--from', source, '--to', `s3://${BUCKET}/piped`], { env: s3Env(s3.endpoint) });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^copied 12 files \(768\.0 KiB\), skipped 0, failed 0, ignored 0 in [\d.]+ s \([\d.]+ (B|KiB|MiB)\/s\)\n$/);
  });
});
