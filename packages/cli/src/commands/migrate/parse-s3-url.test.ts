import { expect } from 'chai';
import { formatS3Url, parseS3Url } from './parse-s3-url.js';

describe('parseS3Url', () => {
  it('splits bucket and prefix, trimming slashes', () => {
    expect(parseS3Url('s3://bucket')).to.deep.equal({ bucket: 'bucket', prefix: '' });
    expect(parseS3Url('s3://bucket/')).to.deep.equal({ bucket: 'bucket', prefix: '' });
    expect(parseS3Url('s3://my.bucket-1/a/b/')).to.deep.equal({ bucket: 'my.bucket-1', prefix: 'a/b' });
    expect(formatS3Url(parseS3Url('s3://bucket/a/b/'))).to.equal('s3://bucket/a/b');
    expect(formatS3Url(parseS3Url('s3://bucket'))).to.equal('s3://bucket');
  });

  for (const bad of ['bucket/x', 's3:/bucket', 's3://', 's3://BUCKET', 's3://a', 's3://-bucket', 's3://bu..cket', 's3://192.168.0.1/x', 's3://bucket/a/../b', 's3://bucket/a//b', 's3://bucket/a\\b']) {
    it(`refuses ${JSON.stringify(bad)} with a usage error`, () => {
      expect(() => parseS3Url(bad)).to.throw(/^--to/).with.property('name', 'UsageError');
    });
  }
});
