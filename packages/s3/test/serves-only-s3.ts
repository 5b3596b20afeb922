/** What every redirect strategy of this package does with what it cannot serve: other buckets, local files, other methods. */
import { expect } from 'chai';
import type { DeliveryStrategy, ResolvedFile } from '@sendoff/core';
import { downloadOptions } from './resolved-file.js';

/** `strategy` was made with `bucket` set to the file's bucket, the given `name` and a status of 307. */
export async function expectServesOnlyItsBucket(strategy: DeliveryStrategy, file: ResolvedFile, name: string): Promise<void> {
  expect(strategy.name).to.equal(name);
  expect(strategy.locationKinds).to.deep.equal(['s3']);
  expect(strategy.canServe(file)).to.equal(true);
  expect(strategy.canServe({ ...file, location: { ...file.location, bucket: 'other' } as ResolvedFile['location'] })).to.equal(false);
  expect(strategy.canServe({ ...file, location: { kind: 'local', root: '/r', path: '/r/x', key: file.key } })).to.equal(false);
  expect((await strategy.plan({ method: 'GET', headers: {} }, file, downloadOptions())).status).to.equal(307);
  const refused = await strategy.plan({ method: 'POST', headers: {} }, file, downloadOptions());
  expect(refused).to.deep.equal({ strategy: name, status: 405, headers: { Allow: 'GET, HEAD', 'Content-Length': '0' }, body: 'empty' });
}
