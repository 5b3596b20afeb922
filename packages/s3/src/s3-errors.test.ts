import { expect } from 'chai';
import { NoSuchBucket, NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { SendoffError, configInvalid } from '@sendoff/core';
import { describeS3Error, s3FailureKind, toSendoffError } from './s3-errors.js';

const meta = (httpStatusCode: number) => ({ httpStatusCode, attempts: 1, totalRetryDelay: 0 });

function serviceError(name: string, status: number, message = `bucket secret-bucket key internal/path: ${name}`): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status), message });
}

describe('toSendoffError', () => {
  it('maps NoSuchKey, NotFound and a body-less HEAD 404 to an exposed NOT_FOUND 404', () => {
    const errors = [
      new NoSuchKey({ $metadata: meta(404), message: 'The specified key does not exist.' }),
      new NotFound({ $metadata: meta(404), message: 'Not Found' }),
      serviceError('UnknownError', 404),
    ];
    for (const error of errors) {
      const mapped = toSendoffError(error);
      expect(mapped.code).to.equal('NOT_FOUND');
      expect(mapped.status).to.equal(404);
      expect(mapped.expose).to.equal(true);
      expect(mapped.cause).to.equal(error);
    }
  });

  it('maps a missing bucket, access denied and bad credentials to STORAGE_ERROR 502, not exposed', () => {
    const errors = [
      new NoSuchBucket({ $metadata: meta(404), message: 'The specified bucket does not exist' }),
      serviceError('AccessDenied', 403),
      serviceError('InvalidAccessKeyId', 403),
      serviceError('SignatureDoesNotMatch', 403),
    ];
    for (const error of errors) {
      const mapped = toSendoffError(error);
      expect(mapped.code, error.name).to.equal('STORAGE_ERROR');
      expect(mapped.status).to.equal(502);
      expect(mapped.expose).to.equal(false);
      expect(mapped.message).to.equal('storage error');
      expect(mapped.cause).to.equal(error);
    }
  });

  it('maps 5xx, throttling, time-outs and network errors to STORAGE_UNAVAILABLE 503, not exposed', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const errors: unknown[] = [
      serviceError('InternalError', 500),
      serviceError('SlowDown', 503),
      serviceError('Whatever', 502),
      serviceError('TooManyRequests', 429),
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      refused,
      new Error('wrapped', { cause: refused }),
      new AggregateError([refused], 'all attempts failed'),
    ];
    for (const error of errors) {
      const mapped = toSendoffError(error);
      expect(mapped.code).to.equal('STORAGE_UNAVAILABLE');
      expect(mapped.status).to.equal(503);
      expect(mapped.expose).to.equal(false);
      expect(mapped.message).to.equal('storage unavailable');
      expect(mapped.cause).to.equal(error);
    }
  });

  it('maps anything else (even a non-error) to STORAGE_ERROR and keeps SendoffErrors as they are', () => {
    expect(toSendoffError('boom').code).to.equal('STORAGE_ERROR');
    expect(toSendoffError(undefined).status).to.equal(502);
    const own = configInvalid('bad');
    expect(toSendoffError(own)).to.equal(own);
    expect(toSendoffError(new Error('x'))).to.be.instanceOf(SendoffError);
  });
});

describe('s3FailureKind and describeS3Error', () => {
  it('tells the failures that doom every further request to the bucket, through the SendoffError a storage wraps them in', () => {
    const credentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const cases: Array<[unknown, string]> = [
      [credentials, 'missing-credentials'],
      [toSendoffError(credentials), 'missing-credentials'],
      [new NoSuchBucket({ $metadata: meta(404), message: 'The specified bucket does not exist' }), 'missing-bucket'],
      [toSendoffError(new NotFound({ $metadata: meta(404), message: 'Not Found' })), 'missing-bucket'],
      [serviceError('AccessDenied', 403), 'refused'],
      [toSendoffError(serviceError('InvalidAccessKeyId', 403)), 'refused'],
      [serviceError('UnknownError', 403), 'refused'],
      [serviceError('SlowDown', 503), 'other'],
      [new Error('socket hang up'), 'other'],
      ['not an error', 'other'],
    ];
    for (const [error, kind] of cases) expect(s3FailureKind(error), String((error as Error).name ?? error)).to.equal(kind);
  });

  it("names the SDK's error, its HTTP status and its message in one line", () => {
    expect(describeS3Error(toSendoffError(serviceError('AccessDenied', 403, 'Access Denied')))).to.equal('AccessDenied (HTTP 403): Access Denied');
    expect(describeS3Error(new NoSuchBucket({ $metadata: meta(404), message: 'NoSuchBucket' }))).to.equal('NoSuchBucket (HTTP 404)');
    expect(describeS3Error(serviceError('UnknownError', 500, 'UnknownError'))).to.equal('UnknownError (HTTP 500)');
    expect(describeS3Error(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).to.equal('Error: connect ECONNREFUSED 127.0.0.1:9');
  });
});
