/**
 * An offload strategy for local files serves only what lies under its root. When that root holds
 * none of the storage's local files the strategy can never serve one, and every download would
 * quietly fall back: `createDelivery` refuses such a deployment at start-up instead.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import type { DeliveryRequest, DeliveryStrategy, FileLocation, FileStat, Key, Storage } from '../contracts.js';
import { SendoffError, notFound } from '../errors/sendoff-error.js';
import { FallbackStorage } from '../storage/fallback-storage.js';
import { LocalStorage } from '../storage/local-storage.js';
import { directStream } from '../strategies/direct-stream.js';
import { xAccel } from '../strategies/x-accel.js';
import { xSendfile } from '../strategies/x-sendfile.js';
import { createDelivery } from './create-delivery.js';
import type { DeliveryConfig } from './types.js';

const GET: DeliveryRequest = { method: 'GET', headers: {} };
const BYTES = Buffer.from('offloaded bytes\n');

/** A bucket-like storage: S3 locations only, no local files. */
const bucket: Storage = {
  locationKinds: ['s3'],
  stat: async (): Promise<FileStat> => Promise.reject(notFound()),
  open: async () => Readable.from([]),
  locate: async (key: Key): Promise<FileLocation> => ({ kind: 's3', bucket: 'b', objectKey: key, key }),
  put: async () => Promise.reject(new Error('read-only')),
};

describe('createDelivery: offload roots against the storage root', () => {
  let base: string;

  beforeEach(async () => {
    base = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-roots-')));
  });
  afterEach(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  const at = (...segments: string[]): string => path.join(base, ...segments);

  async function storedAt(root: string): Promise<LocalStorage> {
    await fsp.mkdir(root, { recursive: true });
    await fsp.writeFile(path.join(root, 'a.txt'), BYTES);
    return new LocalStorage({ root });
  }

  function offloadFirst(storage: Storage, strategy: DeliveryStrategy, environment = 'production'): DeliveryConfig {
    return {
      environment,
      storage,
      strategies: [strategy, directStream()],
      policy: { rules: [{ name: 'offload', use: strategy.name, environment: 'production' }], fallback: 'directStream' },
    };
  }

  function refusal(config: DeliveryConfig): SendoffError {
    try {
      createDelivery(config);
    } catch (error) {
      expect(error).to.be.instanceOf(SendoffError);
      return error as SendoffError;
    }
    throw new Error('createDelivery accepted the deployment');
  }

  /** The X-Accel-Redirect value the deployment plans for `a.txt` (proof the offload is chosen). */
  async function accelFor(config: DeliveryConfig): Promise<string | undefined> {
    const plan = await createDelivery(config).deliver(GET, { key: 'a.txt' });
    expect(plan.strategy).to.equal('xAccel');
    expect(plan.status).to.equal(200);
    expect(plan.body).to.equal('empty');
    return plan.headers['X-Accel-Redirect'];
  }

  it('refuses a strategy whose root is beside the storage root, naming both roots and the fix', async () => {
    const storage = await storedAt(at('files'));
    await fsp.mkdir(at('other'));
    const error = refusal(offloadFirst(storage, xAccel({ root: at('other'), prefix: '/_protected/' })));
    expect(error.code).to.equal('CONFIG_INVALID');
    expect(error.status).to.equal(500);
    expect(error.expose).to.equal(false);
    expect(error.message).to.equal(
      `strategy "xAccel" serves files under ${at('other')}, which holds none of the storage's local files (${at('files')}): ` +
        'it could never deliver one, and every download would quietly go to another strategy. ' +
        "Give the strategy the storage's root (or a directory above it), and the web server the same directory",
    );
  });

  it('refuses a strategy whose root is below the storage root: the files beside it would never be offloaded', async () => {
    const storage = await storedAt(at('files'));
    await fsp.mkdir(at('files', 'public'));
    const error = refusal(offloadFirst(storage, xSendfile({ server: 'apache', root: at('files', 'public') })));
    expect(error.code).to.equal('CONFIG_INVALID');
    expect(error.message).to.match(new RegExp(`^strategy "xSendfile" serves files under ${at('files', 'public')}, which holds none of the storage's local files \\(${at('files')}\\)`));
  });

  it('accepts equal roots, and offloads', async () => {
    const storage = await storedAt(at('files'));
    expect(await accelFor(offloadFirst(storage, xAccel({ root: at('files'), prefix: '/_protected/' })))).to.equal('/_protected/a.txt');
  });

  it('accepts a storage root nested under the strategy root, and offloads with the path below the strategy root', async () => {
    const storage = await storedAt(at('files', 'tenant 1'));
    expect(await accelFor(offloadFirst(storage, xAccel({ root: at('files'), prefix: '/_protected/' })))).to.equal('/_protected/tenant%201/a.txt');
  });

  it('compares real paths: a storage root reached through a symlink to the strategy root is accepted', async () => {
    await storedAt(at('files'));
    await fsp.symlink(at('files'), at('link'));
    const storage = new LocalStorage({ root: at('link') });
    expect(await accelFor(offloadFirst(storage, xAccel({ root: at('files'), prefix: '/_protected/' })))).to.equal('/_protected/a.txt');
  });

  it('compares real paths: a strategy root through a symlink that points elsewhere is refused, with the real path', async () => {
    const storage = await storedAt(at('files'));
    await fsp.mkdir(at('elsewhere'));
    await fsp.symlink(at('elsewhere'), at('files-link'));
    const error = refusal(offloadFirst(storage, xAccel({ root: at('files-link'), prefix: '/_protected/' })));
    expect(error.code).to.equal('CONFIG_INVALID');
    expect(error.message).to.match(new RegExp(`^strategy "xAccel" serves files under ${at('files-link')} \\(real path ${at('elsewhere')}\\), which holds none`));
  });

  it('does not need the roots to exist yet: the part that exists is resolved, the rest compared as written', async () => {
    const later = new LocalStorage({ root: at('not-yet', 'files') });
    expect(() => createDelivery(offloadFirst(later, xAccel({ root: at('not-yet'), prefix: '/_protected/' })))).to.not.throw();
    await fsp.symlink(base, at('base-link'));
    expect(() => createDelivery(offloadFirst(later, xAccel({ root: at('base-link', 'not-yet', 'files'), prefix: '/_protected/' })))).to.not.throw();
    const error = refusal(offloadFirst(later, xAccel({ root: at('not-yet', 'other'), prefix: '/_protected/' })));
    expect(error.code).to.equal('CONFIG_INVALID');
  });

  it("checks a FallbackStorage's local storages (the bucket has none)", async () => {
    const local = await storedAt(at('files'));
    const error = refusal(offloadFirst(new FallbackStorage([bucket, local]), xAccel({ root: at('other'), prefix: '/_protected/' })));
    expect(error.message).to.match(new RegExp(`which holds none of the storage's local files \\(${at('files')}\\)`));
    expect(() => createDelivery(offloadFirst(new FallbackStorage([bucket, local]), xAccel({ root: at('files'), prefix: '/_protected/' })))).to.not.throw();
  });

  it('leaves alone a strategy only rules of another environment use (they belong to another deployment)', async () => {
    const storage = await storedAt(at('files'));
    const config = offloadFirst(storage, xAccel({ root: '/srv/production/files', prefix: '/_protected/' }), 'development');
    const plan = await createDelivery(config).deliver(GET, { key: 'a.txt' });
    expect(plan.strategy).to.equal('directStream');
  });

  it('leaves alone a storage that does not say where its local files are', async () => {
    const local = await storedAt(at('files'));
    const silent: Storage = { locationKinds: local.locationKinds, stat: (k) => local.stat(k), open: (k, o) => local.open(k, o), locate: (k) => local.locate(k), put: (k, b, m) => local.put(k, b, m) };
    expect(() => createDelivery(offloadFirst(silent, xAccel({ root: at('other'), prefix: '/_protected/' })))).to.not.throw();
  });
});
