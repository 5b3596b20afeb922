import { expect } from 'chai';
import { RADOSGW, S3RVER, s3TargetsFrom } from './s3-targets.js';

describe('s3TargetsFrom: the S3 servers the S3 suites run against', () => {
  it('is s3rver then radosgw by default, and when SENDOFF_S3_TARGETS is empty', () => {
    expect(s3TargetsFrom({})).to.deep.equal([S3RVER, RADOSGW]);
    expect(s3TargetsFrom({ SENDOFF_S3_TARGETS: '' })).to.deep.equal([S3RVER, RADOSGW]);
  });

  it('keeps those SENDOFF_S3_TARGETS names, in the usual order', () => {
    expect(s3TargetsFrom({ SENDOFF_S3_TARGETS: 's3rver' })).to.deep.equal([S3RVER]);
    expect(s3TargetsFrom({ SENDOFF_S3_TARGETS: ' radosgw , s3rver ' })).to.deep.equal([S3RVER, RADOSGW]);
  });

  it('refuses an unknown name, and leaving a server out under CI=true', () => {
    expect(() => s3TargetsFrom({ SENDOFF_S3_TARGETS: 'minio' })).to.throw('SENDOFF_S3_TARGETS names unknown S3 servers: minio (known: s3rver, radosgw)');
    expect(() => s3TargetsFrom({ SENDOFF_S3_TARGETS: 's3rver', CI: 'true' })).to.throw('SENDOFF_S3_TARGETS may not leave an S3 server out under CI=true');
    expect(s3TargetsFrom({ SENDOFF_S3_TARGETS: 's3rver,radosgw', CI: 'true' })).to.deep.equal([S3RVER, RADOSGW]);
  });
});
