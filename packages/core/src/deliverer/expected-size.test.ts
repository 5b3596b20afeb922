/**
 * `expectedSize`: the size the app recorded for a file. A copy of another size is not that file
 * (or not all of it yet, like an object an S3 server is still writing): a FallbackStorage reads
 * the next storage, and with no copy of that size anywhere the download is a 404.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { DeliveryPlan, DeliveryRequest, Storage } from '../contracts.js';
import { FallbackStorage } from '../storage/fallback-storage.js';
import { LocalStorage } from '../storage/local-storage.js';
import { directStream } from '../strategies/direct-stream.js';
import { createDelivery } from './create-delivery.js';
import type { DeliverOptions } from './types.js';
import { failureOf } from '@sendoff-tools/test-kit';

const GET: DeliveryRequest = { method: 'GET', headers: {} };
const WHOLE = Buffer.from('the whole file, as the app stored it\n');
const PARTIAL = WHOLE.subarray(0, 10);

describe('createDelivery with an expected size', () => {
  let base: string;
  let first: string;
  let second: string;

  beforeEach(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-expected-size-'));
    first = path.join(base, 'first');
    second = path.join(base, 'second');
    await fsp.mkdir(first);
    await fsp.mkdir(second);
    await fsp.writeFile(path.join(second, 'report.txt'), WHOLE);
  });
  afterEach(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  const deliverer = (storage: Storage) =>
    createDelivery({ environment: 'test', storage, strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
  const fallback = () => new FallbackStorage([new LocalStorage({ root: first }), new LocalStorage({ root: second })]);

  async function body(plan: DeliveryPlan): Promise<string> {
    if (plan.body !== 'stream') throw new Error(`expected a stream plan, got ${plan.body}`);
    return text(await plan.open());
  }

  it('plans from the next storage while the first holds only part of the file', async () => {
    await fsp.writeFile(path.join(first, 'report.txt'), PARTIAL);
    const plan = await deliverer(fallback()).deliver(GET, { key: 'report.txt', expectedSize: WHOLE.length });
    expect(plan.status).to.equal(200);
    expect(plan.headers['Content-Length']).to.equal(String(WHOLE.length));
    expect(await body(plan)).to.equal(WHOLE.toString());
  });

  it('answers 404 NOT_FOUND, saying nothing of sizes, when the storage holds another size', async () => {
    const error = await failureOf(deliverer(new LocalStorage({ root: second })).deliver(GET, { key: 'report.txt', expectedSize: WHOLE.length + 1 }));
    expect(error).to.include({ code: 'NOT_FOUND', status: 404, expose: true, message: 'file not found' });
  });

  it('streams the copy the plan was made from, even when an earlier storage got another copy since', async () => {
    const plan = await deliverer(fallback()).deliver(GET, { key: 'report.txt' });
    await fsp.writeFile(path.join(first, 'report.txt'), PARTIAL);
    expect(await body(plan)).to.equal(WHOLE.toString());
  });

  for (const [title, expectedSize, reason] of [
    ['a negative size', -1, 'must not be negative'],
    ['a fraction', 1.5, 'must be a whole number of bytes'],
    ['a size past the safe integers', 2 ** 53, 'must be a whole number of bytes'],
    ['a string', '37', 'must be a number'],
  ] as const) {
    it(`answers 400 BAD_REQUEST for ${title}`, async () => {
      const options = { key: 'report.txt', expectedSize } as unknown as DeliverOptions;
      const error = await failureOf(deliverer(fallback()).deliver(GET, options));
      expect(error).to.include({ code: 'BAD_REQUEST', status: 400, message: `invalid delivery options: expectedSize: ${reason}` });
    });
  }
});
