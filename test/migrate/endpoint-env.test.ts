/**
 * The endpoint comes from `--endpoint`, then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL (as the
 * usage text and docs/migration.md say): each variable alone is used, and the S3-specific one wins
 * over the general one.
 */
import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BUCKET, LocalS3, fileDigest, makeTempDir, parseReport, runCli, writeTree } from './harness.js';
import { findFreePort } from '@sendoff-tools/web-servers';

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };


describe('sendoff migrate: endpoint from the environment', function () {
  this.timeout(120_000);
  let s3: LocalS3;
  let source: string;
  let journals: string;
  let nowhere: string;

  before(async () => {
    s3 = await LocalS3.start();
    await s3.createBucket(BUCKET);
    source = await makeTempDir('endpoint');
    journals = await makeTempDir('endpoint-journals');
    await writeTree(source, { 'e/one.txt': 'one\n' });
    nowhere = `http://127.0.0.1:${await findFreePort()}`;
  });

  after(async () => {
    await s3.stop();
    await rm(source, { recursive: true, force: true });
    await rm(journals, { recursive: true, force: true });
  });

  const migrate = (prefix: string, env: Record<string, string>) =>
    runCli(['migrate', '--from', source, '--to', `s3://${BUCKET}/${prefix}`, '--journal', join(journals, `${prefix}.journal`), '--json'], { env: { ...CREDENTIALS, ...env } });

  it('uses AWS_ENDPOINT_URL when it is the only one set', async () => {
    const result = await migrate('general', { AWS_ENDPOINT_URL: s3.endpoint });
    expect(result.code, result.stderr).to.equal(0);
    expect(parseReport(result).copied).to.equal(1);
    expect(await s3.objectDigest(BUCKET, 'general/e/one.txt')).to.equal(await fileDigest(join(source, 'e/one.txt')));
  });

  it('prefers AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL', async () => {
    const result = await migrate('specific', { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ENDPOINT_URL: nowhere });
    expect(result.code, result.stderr).to.equal(0);
    expect(parseReport(result).copied).to.equal(1);
    expect(await s3.objectDigest(BUCKET, 'specific/e/one.txt')).to.equal(await fileDigest(join(source, 'e/one.txt')));
  });

  it('names the endpoint it tried when AWS_ENDPOINT_URL points nowhere: exit 2', async () => {
    const result = await migrate('unreachable', { AWS_ENDPOINT_URL: nowhere });
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.match(new RegExp(`^sendoff migrate: cannot reach bucket ${BUCKET} at ${nowhere.replace(/\./g, '\\.')}: .*ECONNREFUSED`));
  });
});
