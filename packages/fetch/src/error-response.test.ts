import { expect } from 'chai';
import { SendoffError, invalidKey, notFound } from '@sendoff/core';
import { errorResponse } from './error-response.js';

describe('errorResponse', () => {
  it('an exposed SendoffError: its status and message as text', async () => {
    const response = errorResponse(invalidKey('a ".." segment'));
    expect(response.status).to.equal(400);
    expect(response.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
    expect(await response.text()).to.equal('invalid key: a ".." segment');
    expect((await errorResponse(notFound()).text())).to.equal('file not found');
  });

  it("an exposed SendoffError's headers go out (a 416's Content-Range)", () => {
    const response = errorResponse(new SendoffError('RANGE_NOT_SATISFIABLE', 'range not satisfiable', { headers: { 'Content-Range': 'bytes */10' } }));
    expect(response.status).to.equal(416);
    expect(response.headers.get('content-range')).to.equal('bytes */10');
  });

  it('an unexposed SendoffError: its status and the status name, none of its message, cause or headers', async () => {
    const error = new SendoffError('STORAGE_UNAVAILABLE', 'connect ECONNREFUSED /var/run/storage.sock', { cause: new Error('/srv/files/secret'), headers: { 'X-Internal': '/srv' } });
    const response = errorResponse(error);
    expect(response.status).to.equal(503);
    expect(response.headers.get('x-internal')).to.equal(null);
    expect(await response.text()).to.equal('Service Unavailable');
  });

  it('any other error: a bare 500', async () => {
    const response = errorResponse(new Error("ENOENT: no such file or directory, open '/srv/files/a'"));
    expect(response.status).to.equal(500);
    expect(await response.text()).to.equal('Internal Server Error');
    expect(errorResponse('a string').status).to.equal(500);
  });

  it('a SendoffError whose status is not an error status: a 500', () => {
    expect(errorResponse(new SendoffError('FORBIDDEN', 'no', { status: 200 })).status).to.equal(500);
  });
});
