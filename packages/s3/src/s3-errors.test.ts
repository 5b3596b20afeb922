import { expect } from 'chai';
import { NoSuchBucket, NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { SendoffError, configInvalid } from '@sendoff/core';
import { toSendoffError } from './s3-errors.js';

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
