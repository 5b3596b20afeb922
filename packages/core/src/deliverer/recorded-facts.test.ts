/**
 * `recorded`: what the app's own records say of a file (size, mtime, etag, content type). The
 * Deliverer trusts them as the app's word and asks the storage only for a fact that a rule it
 * evaluates, or the strategy it picked, reads and the app did not give: lazily, once per request.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { DeliveryPlan, DeliveryRequest, DeliveryStrategy, FileStat, Key, LocalLocation, ResolvedFile } from '../contracts.js';
import { FallbackStorage } from '../storage/fallback-storage.js';
import { LocalStorage } from '../storage/local-storage.js';
import { caddyAccel } from '../strategies/caddy-accel.js';
import { directStream } from '../strategies/direct-stream.js';
import { xAccel } from '../strategies/x-accel.js';
import { xSendfile } from '../strategies/x-sendfile.js';
import { createDelivery } from './create-delivery.js';
import type { DeliverOptions, DeliveryConfig } from './types.js';
import { failureOf } from '@sendoff-tools/test-kit';
import type { PolicyRule } from '../policy/types.js';

const GET: DeliveryRequest = { method: 'GET', headers: {} };
const BYTES = Buffer.from('the bytes the app stored\n');
const MTIME = new Date('2026-11-01T10:00:00.000Z');
const ALL_RECORDED = { size: BYTES.length, mtime: MTIME, etag: '"recorded-1"', contentType: 'text/plain; charset=utf-8' };

/** A LocalStorage that counts its lookups. */
class CountingStorage extends LocalStorage {
  stats = 0;
  override stat(key: Key): Promise<FileStat> {
    this.stats += 1;
    return super.stat(key);
  }
}

/** One that names where a file would be without asking whether it is there, as S3Storage does. */
class BlindlyLocatingStorage extends CountingStorage {
  override async locate(key: Key): Promise<LocalLocation> {
    return { kind: 'local', root: this.root, path: path.join(this.root, key), key };
  }
}

/** A strategy that reads no fact of the file (as a presigned redirect does). */
function redirecting(): DeliveryStrategy & { planned: ResolvedFile[] } {
  const planned: ResolvedFile[] = [];
  return {
    name: 'redirect',
    locationKinds: ['local', 's3'],
    reads: [],
    canServe: () => true,
    planned,
    async plan(_request, file): Promise<DeliveryPlan> {
      planned.push(file);
      return { strategy: 'redirect', status: 302, headers: { Location: `https://files.example/${file.key}` }, body: 'redirect', location: `https://files.example/${file.key}` };
    },
  };
}

describe('createDelivery with recorded facts', () => {
  let base: string;
  let storage: CountingStorage;

  beforeEach(async () => {
    base = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-recorded-')));
    await fsp.writeFile(path.join(base, 'report.txt'), BYTES);
    await fsp.utimes(path.join(base, 'report.txt'), MTIME, MTIME);
    storage = new CountingStorage({ root: base });
  });
  afterEach(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  function deliverer(rules: PolicyRule[] = [], overrides: Partial<DeliveryConfig> = {}) {
    return createDelivery({ environment: 'production', storage, strategies: [redirecting(), directStream()], policy: { rules, fallback: 'redirect' }, ...overrides });
  }

  describe('the storage is asked nothing', () => {
    it('when the chosen strategy reads no fact and no rule asks for one', async () => {
      const plan = await deliverer().deliver(GET, { key: 'report.txt', recorded: { size: BYTES.length, contentType: 'text/plain' } });
      expect(plan.status).to.equal(302);
      expect(plan.headers['Location']).to.equal('https://files.example/report.txt');
      expect(storage.stats).to.equal(0);
    });

    it('when a size rule sees the recorded size', async () => {
      const rules = [{ name: 'small', maxSize: 10, use: 'directStream' }];
      const plan = await deliverer(rules).deliver(GET, { key: 'report.txt', recorded: { size: BYTES.length }, contentType: 'text/plain' });
      expect(plan.status).to.equal(302);
      expect(plan.decision.rule).to.equal('fallback');
      expect(storage.stats).to.equal(0);
    });

    it('when the rule that would read the size fails on an earlier condition', async () => {
      const rules = [{ name: 'small in dev', environment: 'development', maxSize: 10, use: 'directStream' }];
      await deliverer(rules).deliver(GET, { key: 'report.txt', contentType: 'text/plain', recorded: { etag: '"e"' } });
      expect(storage.stats).to.equal(0);
    });

    it('when a streaming strategy gets every fact it reads: 200, the recorded validators, the bytes', async () => {
      const plan = await deliverer([], { policy: { rules: [], fallback: 'directStream' } }).deliver(GET, { key: 'report.txt', recorded: ALL_RECORDED });
      expect(plan.status).to.equal(200);
      expect(plan.headers).to.include({ 'Content-Length': String(BYTES.length), ETag: '"recorded-1"', 'Last-Modified': MTIME.toUTCString(), 'Content-Type': 'text/plain; charset=utf-8' });
      if (plan.body !== 'stream') throw new Error(`expected a stream plan, got ${plan.body}`);
      expect(await text(await plan.open())).to.equal(BYTES.toString());
      expect(storage.stats).to.equal(0);
    });

    it('and a conditional request is answered from the recorded validators (304)', async () => {
      const request = { method: 'GET', headers: { 'if-none-match': '"recorded-1"' } };
      const plan = await deliverer([], { policy: { rules: [], fallback: 'directStream' } }).deliver(request, { key: 'report.txt', recorded: ALL_RECORDED });
      expect(plan.status).to.equal(304);
      expect(plan.headers).to.include({ ETag: '"recorded-1"' });
      expect(storage.stats).to.equal(0);
    });

    it('and a redirect plan leaves conditional requests to its target, as without recorded facts', async () => {
      const request = { method: 'GET', headers: { 'if-none-match': '"recorded-1"', 'if-match': '"other"' } };
      const plan = await deliverer().deliver(request, { key: 'report.txt', contentType: 'text/plain', recorded: ALL_RECORDED });
      expect(plan.status).to.equal(302);
      expect(storage.stats).to.equal(0);
    });
  });

  describe('the offload strategies read what their headers need', () => {
    const plan = (strategy: DeliveryStrategy) =>
      createDelivery({ environment: 'production', storage, strategies: [strategy], policy: { rules: [], fallback: strategy.name } }).deliver(GET, {
        key: 'report.txt',
        contentType: 'text/plain',
        recorded: { size: BYTES.length },
      });

    for (const [title, make, header] of [
      ['xAccel (nginx)', () => xAccel({ root: base, prefix: '/_protected/' }), 'X-Accel-Redirect'],
      ['caddyAccel', () => caddyAccel({ root: base }), 'X-Accel-Redirect'],
      ['xSendfile (lighttpd)', () => xSendfile({ server: 'lighttpd', root: base }), 'X-Sendfile'],
    ] as const) {
      it(`${title}: nothing, the web server reads the file`, async () => {
        const planned = await plan(make());
        expect(planned.status).to.equal(200);
        expect(planned.headers[header]).to.be.a('string').and.match(/report\.txt$/);
        expect(storage.stats).to.equal(0);
      });
    }

    it('xSendfile (apache): the validators it sends, from the storage when not recorded', async () => {
      const planned = await plan(xSendfile({ server: 'apache', root: base }));
      expect(planned.headers).to.include({ 'Last-Modified': MTIME.toUTCString() });
      expect(planned.headers['ETag']).to.match(/^"/);
      expect(storage.stats).to.equal(1);
    });
  });

  describe('the storage is asked once', () => {
    it('when a size rule needs the size the app did not give, and the rule sees the storage size', async () => {
      const rules = [
        { name: 'tiny', maxSize: 4, use: 'directStream' },
        { name: 'small', maxSize: 1024, use: 'directStream' },
      ];
      const plan = await deliverer(rules).deliver(GET, { key: 'report.txt', contentType: 'text/plain', recorded: { etag: '"e"' } });
      expect(plan.decision).to.deep.equal({ rule: 'small', strategy: 'directStream', reasons: [`size ${BYTES.length} <= maxSize 1024`] });
      expect(plan.status).to.equal(200);
      expect(plan.headers['ETag']).to.equal('"e"');
      expect(storage.stats).to.equal(1);
    });

    it('when a custom condition reads a fact the app did not give', async () => {
      const rules = [{ name: 'old', when: (ctx: { file: ResolvedFile }) => ctx.file.stat.mtime.getTime() < Date.now(), use: 'directStream' }];
      const plan = await deliverer(rules).deliver(GET, { key: 'report.txt', contentType: 'text/plain', recorded: { size: BYTES.length } });
      expect(plan.decision.rule).to.equal('old');
      expect(plan.headers['Last-Modified']).to.equal(MTIME.toUTCString());
      expect(storage.stats).to.equal(1);
    });

    it('when the content type is neither given nor recorded (the storage may know it)', async () => {
      const plan = await deliverer().deliver(GET, { key: 'report.txt', recorded: { size: BYTES.length } });
      expect(plan.status).to.equal(302);
      expect(storage.stats).to.equal(1);
    });

    it('when the app records nothing: as before, the storage is always asked', async () => {
      await deliverer().deliver(GET, { key: 'report.txt', contentType: 'text/plain' });
      expect(storage.stats).to.equal(1);
    });
  });

  describe('a missing object', () => {
    it('is a 404 from the lookup when a rule asks for a fact', async () => {
      const rules = [{ name: 'small', maxSize: 1024, use: 'directStream' }];
      const error = await failureOf(deliverer(rules).deliver(GET, { key: 'gone.txt', contentType: 'text/plain', recorded: { etag: '"e"' } }));
      expect(error).to.include({ code: 'NOT_FOUND', status: 404, expose: true, message: 'file not found' });
    });

    it('is a 404 from the locate of a local file, the storage not asked for its stat', async () => {
      const error = await failureOf(deliverer([], { policy: { rules: [], fallback: 'directStream' } }).deliver(GET, { key: 'gone.txt', recorded: ALL_RECORDED }));
      expect(error).to.include({ code: 'NOT_FOUND', status: 404, expose: true, message: 'file not found' });
      expect(storage.stats).to.equal(0);
    });

    it('is a 404 from the open when the storage locates without looking (as S3 does) and a streaming strategy has every fact recorded', async () => {
      storage = new BlindlyLocatingStorage({ root: base });
      const plan = await deliverer([], { policy: { rules: [], fallback: 'directStream' } }).deliver(GET, { key: 'gone.txt', recorded: ALL_RECORDED });
      expect(plan.status).to.equal(200);
      if (plan.body !== 'stream') throw new Error(`expected a stream plan, got ${plan.body}`);
      const error = await failureOf(plan.open());
      expect(error).to.include({ code: 'NOT_FOUND', status: 404, expose: true });
      expect(storage.stats).to.equal(0);
    });

    it('is a 404 when the storage holds another size than recorded', async () => {
      const rules = [{ name: 'old', when: (ctx: { file: ResolvedFile }) => ctx.file.stat.mtime.getTime() > 0, use: 'directStream' }];
      const error = await failureOf(deliverer(rules).deliver(GET, { key: 'report.txt', contentType: 'text/plain', recorded: { size: BYTES.length + 1 } }));
      expect(error).to.include({ code: 'NOT_FOUND', status: 404, message: 'file not found' });
    });
  });

  it('streams exactly the recorded size or fails the stream', async () => {
    const plan = await deliverer([], { policy: { rules: [], fallback: 'directStream' } }).deliver(GET, { key: 'report.txt', recorded: { ...ALL_RECORDED, size: BYTES.length - 1 } });
    expect(plan.headers['Content-Length']).to.equal(String(BYTES.length - 1));
    if (plan.body !== 'stream') throw new Error(`expected a stream plan, got ${plan.body}`);
    const error = await failureOf(plan.open().then((stream) => text(stream)));
    expect(error).to.include({ code: 'STORAGE_ERROR' });
  });

  it('answers a 500 that says nothing to the client when a strategy reads a fact it does not list', async () => {
    const careless: DeliveryStrategy = {
      name: 'careless',
      locationKinds: ['local'],
      reads: ['size'],
      canServe: () => true,
      async plan(_request, file): Promise<DeliveryPlan> {
        return { strategy: 'careless', status: 200, headers: { ETag: file.stat.etag }, body: 'empty' };
      },
    };
    const delivery = createDelivery({ environment: 'production', storage, strategies: [careless], policy: { rules: [], fallback: 'careless' } });
    const error = await failureOf(delivery.deliver(GET, { key: 'report.txt', contentType: 'text/plain', recorded: { size: BYTES.length } }));
    expect(error).to.include({ code: 'CONFIG_INVALID', status: 500, expose: false });
    expect(error.message).to.equal("file.stat.etag was read before it was looked up (a strategy must list the facts it reads in `reads`)");
  });

  describe('during a migration (FallbackStorage)', () => {
    it('still plans from the storage that holds the file at the recorded size', async () => {
      const first = path.join(base, 'first');
      const second = path.join(base, 'second');
      await fsp.mkdir(first);
      await fsp.mkdir(second);
      await fsp.writeFile(path.join(first, 'report.txt'), BYTES.subarray(0, 5));
      await fsp.writeFile(path.join(second, 'report.txt'), BYTES);
      const fallback = new FallbackStorage([new LocalStorage({ root: first }), new LocalStorage({ root: second })]);
      const strategy = redirecting();
      const delivery = createDelivery({ environment: 'production', storage: fallback, strategies: [strategy], policy: { rules: [], fallback: 'redirect' } });
      await delivery.deliver(GET, { key: 'report.txt', recorded: ALL_RECORDED });
      expect(strategy.planned[0]?.location).to.include({ kind: 'local', path: path.join(second, 'report.txt') });
    });

    it('looks each storage up once, as without recorded facts, when the strategy needs a fact (locate and stat share the lookup)', async () => {
      const first = path.join(base, 'first');
      await fsp.mkdir(first);
      const storages = [new CountingStorage({ root: first }), new CountingStorage({ root: base })];
      const delivery = createDelivery({ environment: 'production', storage: new FallbackStorage(storages), strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
      const plan = await delivery.deliver(GET, { key: 'report.txt', recorded: { size: BYTES.length, contentType: 'text/plain' } });
      expect(plan.headers).to.include({ 'Content-Length': String(BYTES.length), 'Last-Modified': MTIME.toUTCString() });
      expect(storages.map((counted) => counted.stats)).to.deep.equal([1, 1]);
    });
  });

  describe('explain', () => {
    it('says which facts came from the app and which from the storage', async () => {
      const rules = [{ name: 'small', maxSize: 1024, use: 'directStream' }];
      const explanation = await deliverer(rules).explain(GET, { key: 'report.txt', recorded: { etag: '"e"', contentType: 'text/plain' } });
      expect(explanation.facts).to.deep.equal({ size: 'storage', mtime: 'storage', etag: 'app', contentType: 'app' });
      expect(explanation.size).to.equal(BYTES.length);
      expect(explanation.text.split('\n')).to.include('facts: size (storage), mtime (storage), etag (app), content type (app)');
      expect(storage.stats).to.equal(1);
    });

    it('says when the storage was not asked', async () => {
      const explanation = await deliverer().explain(GET, { key: 'report.txt', recorded: { size: BYTES.length, contentType: 'text/plain' } });
      expect(explanation.facts).to.deep.equal({ size: 'app', mtime: 'not needed', etag: 'not needed', contentType: 'app' });
      expect(explanation.size).to.equal(BYTES.length);
      expect(explanation.decision?.strategy).to.equal('redirect');
      expect(explanation.text.split('\n')).to.include('facts: size (app), mtime (not needed), etag (not needed), content type (app)');
      expect(storage.stats).to.equal(0);
    });
  });

  describe('bad recorded facts are a 400', () => {
    const cases: Array<[string, unknown, string]> = [
      ['a negative size', { size: -1 }, 'recorded.size: must not be negative'],
      ['a fractional size', { size: 1.5 }, 'recorded.size: must be a whole number of bytes'],
      ['an mtime that is not a date', { mtime: '2026-11-01' }, 'recorded.mtime: must be a valid Date'],
      ['an invalid date', { mtime: new Date(Number.NaN) }, 'recorded.mtime: must be a valid Date'],
      ['an object that only claims to be a Date', { mtime: Object.create(Date.prototype) }, 'recorded.mtime: must be a valid Date'],
      ['an mtime after the year 9999', { mtime: new Date('+010000-01-01T00:00:00.000Z') }, 'recorded.mtime: must be a date from the year 0000 to 9999'],
      ['an mtime before the year 0000', { mtime: new Date('-000001-12-31T23:59:59.999Z') }, 'recorded.mtime: must be a date from the year 0000 to 9999'],
      ['an unquoted etag', { etag: 'abc' }, 'recorded.etag: must be a strong entity tag such as "abc"'],
      ['a weak etag', { etag: 'W/"abc"' }, 'recorded.etag: must be a strong entity tag such as "abc"'],
      ['an etag with a newline', { etag: '"a\r\nX: 1"' }, 'recorded.etag: must be a strong entity tag such as "abc"'],
      ['a malformed content type', { contentType: 'text/html\r\nX: 1' }, 'recorded.contentType: must be a media type such as text/plain'],
      ['an unknown fact', { owner: 'alice' }, 'recorded: Unrecognized key: "owner"'],
    ];
    for (const [title, recorded, message] of cases) {
      it(title, async () => {
        const error = await failureOf(deliverer().deliver(GET, { key: 'report.txt', recorded } as unknown as DeliverOptions));
        expect(error).to.include({ code: 'BAD_REQUEST', status: 400, message: `invalid delivery options: ${message}` });
      });
    }

    it('a recorded size other than the expected size', async () => {
      const error = await failureOf(deliverer().deliver(GET, { key: 'report.txt', expectedSize: 3, recorded: { size: 4 } }));
      expect(error).to.include({ code: 'BAD_REQUEST', status: 400, message: 'invalid delivery options: recorded.size: must equal expectedSize when both are given' });
    });
  });
});
