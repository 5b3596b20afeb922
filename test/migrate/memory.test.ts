/**
 * A large file streams: copying a 512 MiB file keeps the CLI's peak resident memory (its maxRSS,
 * reported by the process itself as it exits) far below the file's size, so no copy holds a whole
 * large file in memory. The object still lands byte-equal.
 */
import { expect } from 'chai';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUCKET, LocalS3, bytesFor, fileDigest, makeTempDir, parseReport, runCli, s3Env } from './harness.js';

const MiB = 1024 * 1024;
const FILE_SIZE = 512 * MiB + 3;
/**
 * Peak resident memory allowed: the runtime with tsx and the AWS SDK (about 110 MiB) and a few
 * 8 MiB parts in flight, far below the file (a whole-file buffer alone would exceed it).
 */
const PEAK_LIMIT = 320 * MiB;
const REPORTER = pathToFileURL(join(import.meta.dirname, 'peak-rss-on-exit.mjs')).href;

/** Writes `size` bytes: one random-looking MiB repeated (fast), each copy stamped with its index. */
async function writeLargeFile(path: string, size: number): Promise<void> {
  const block = bytesFor(900, MiB);
  const handle = await open(path, 'w');
  try {
    for (let offset = 0; offset < size; offset += MiB) {
      block.writeUInt32LE(offset / MiB, 0);
      await handle.write(block, 0, Math.min(MiB, size - offset), offset);
    }
  } finally {
    await handle.close();
  }
}

describe('sendoff migrate: bounded memory', function () {
  this.timeout(180_000);
  let s3: LocalS3;
  let source: string;
  let scratch: string;

  before(async () => {
    s3 = await LocalS3.start();
    await s3.createBucket(BUCKET);
    source = await makeTempDir('memory');
    scratch = await makeTempDir('memory-rss');
    await writeLargeFile(join(source, 'huge.bin'), FILE_SIZE);
  });

  after(async () => {
    await s3.stop();
    await rm(source, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  it(`copies a ${Math.round(FILE_SIZE / MiB)} MiB file with a peak RSS below ${PEAK_LIMIT / MiB} MiB`, async () => {
    const rssFile = join(scratch, 'peak-rss');
    const result = await runCli(['migrate', '--from', source, '--to', `s3://${BUCKET}/mem`, '--json'], {
      env: { ...s3Env(s3.endpoint), NODE_OPTIONS: `--import "${REPORTER}"`, SENDOFF_TEST_PEAK_RSS_FILE: rssFile },
    });
    expect(result.code, result.stderr).to.equal(0);
    const report = parseReport(result);
    expect(report.copied).to.equal(1);
    expect(report.bytes).to.equal(FILE_SIZE);
    const peak = Number(await readFile(rssFile, 'utf8')) * 1024;
    expect(peak, `peak RSS ${(peak / MiB).toFixed(1)} MiB`).to.be.above(32 * MiB).and.below(PEAK_LIMIT);
    expect(await s3.objectDigest(BUCKET, 'mem/huge.bin')).to.equal(await fileDigest(join(source, 'huge.bin')));
  });
});
