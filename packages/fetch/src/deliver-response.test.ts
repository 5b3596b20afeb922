import { Readable } from 'node:stream';
import { expect } from 'chai';
import { SendoffError, type DeliveryPlan, type DeliveryRequest } from '@sendoff/core';
import { deliverResponse } from './deliver-response.js';

const BYTES = Buffer.from('hello, sendoff\n');

describe('deliverResponse', () => {
  it('hands the deliverer the method, the lower-case headers and the request signal, and answers its plan', async () => {
    const seen: DeliveryRequest[] = [];
    const deliverer = {
      deliver: async (request: DeliveryRequest, options: { key: string }): Promise<DeliveryPlan> => {
        seen.push(request);
        return { strategy: 'test', status: 200, headers: { 'Content-Type': 'text/plain', 'X-Key': options.key }, body: 'stream', length: BYTES.length, open: async () => Readable.from([BYTES]) };
      },
    };
    const controller = new AbortController();
    const request = new Request('http://127.0.0.1/a', { headers: { 'X-Thing': 'Yes', Range: 'bytes=0-1', Accept: 'a' }, signal: controller.signal });
    const response = await deliverResponse(request, deliverer, { key: 'docs/a.txt' });
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-key')).to.equal('docs/a.txt');
    expect(Buffer.from(await response.arrayBuffer()).equals(BYTES)).to.equal(true);
    const [neutral] = seen;
    expect(neutral?.method).to.equal('GET');
    expect(neutral?.headers).to.deep.include({ 'x-thing': 'Yes', range: 'bytes=0-1', accept: 'a' });
    expect(neutral?.signal?.aborted).to.equal(false);
    controller.abort();
    expect(neutral?.signal?.aborted).to.equal(true);
  });

  it('rejects with the deliverer\'s error', async () => {
    const refused = new SendoffError('INVALID_KEY', 'invalid key: bad');
    const failure = await deliverResponse(new Request('http://127.0.0.1/a'), { deliver: () => Promise.reject(refused) }, {}).catch((error: unknown) => error);
    expect(failure).to.equal(refused);
  });
});
