/**
 * What a subscriber to the sendoff channels sees of each delivery, through a real node:http server
 * and a real client: the direct stream (whole, ranged, aborted by the client), the three offload
 * strategies, and failures. The S3 strategies have theirs in packages/s3.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readThenAbandon, recordDeliveries, request, type DeliveryEvents } from '@sendoff-tools/test-kit';
import type { DeliveryRequest } from '../contracts.js';
import { createDelivery } from '../deliverer/create-delivery.js';
import type { Deliverer } from '../deliverer/types.js';
import { LocalStorage } from '../storage/local-storage.js';
import { caddyAccel } from '../strategies/caddy-accel.js';
import { directStream } from '../strategies/direct-stream.js';
import { xAccel } from '../strategies/x-accel.js';
import { xSendfile } from '../strategies/x-sendfile.js';
import { createPlanServer, type PlanServer } from '../testing/plan-server.js';

const NOTES = '# notes, thirty-two bytes long.\n';
const LARGE_SIZE = 8 * 2 ** 20;
const DELIVERY = ['start', 'end', 'asyncStart', 'asyncEnd'];

describe('the sendoff:deliver channels', () => {
  let base: string;
  let root: string;
  let events: DeliveryEvents;
  let server: PlanServer | undefined;

  before(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'sendoff-publish-')));
    root = join(base, 'files');
    await mkdir(join(root, 'docs'), { recursive: true });
    await writeFile(join(root, 'docs', 'notes.txt'), NOTES);
    await writeFile(join(root, 'large.bin'), Buffer.alloc(LARGE_SIZE, 7));
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });
  beforeEach(() => {
    events = recordDeliveries();
  });
  afterEach(async () => {
    events.stop();
    await server?.close();
    server = undefined;
  });

  /** Serves `/<key>` with `deliverer`. */
  async function serve(deliverer: Deliverer): Promise<string> {
    server = await createPlanServer((req: DeliveryRequest, url) => deliverer.deliver(req, { key: decodeURIComponent(url.pathname.slice(1)) }));
    return server.baseUrl;
  }

  /** A Deliverer whose only rule picks `use` in production. */
  function offloading(use: 'xAccel' | 'xSendfile' | 'caddyAccel'): Deliverer {
    const strategies = {
      xAccel: () => xAccel({ root, prefix: '/_protected/' }),
      xSendfile: () => xSendfile({ root, server: 'apache' }),
      caddyAccel: () => caddyAccel({ root }),
    };
    return createDelivery({
      environment: 'production',
      storage: new LocalStorage({ root }),
      strategies: [strategies[use](), directStream()],
      policy: { rules: [{ name: 'offload in production', environment: 'production', use }], fallback: 'directStream' },
    });
  }

  function streaming(): Deliverer {
    return createDelivery({ environment: 'development', storage: new LocalStorage({ root }), strategies: [directStream()], policy: { rules: [], fallback: 'directStream' } });
  }

  it('publishes a direct stream: start, end, the plan, then the stream opened and finished with every byte', async () => {
    const url = await serve(streaming());
    const response = await request(`${url}/docs/notes.txt`);
    expect(response.status).to.equal(200);
    expect(response.body.toString()).to.equal(NOTES);
    const closed = await events.streamClosed();
    expect(events.names()).to.deep.equal([...DELIVERY, 'stream:open', 'stream:close']);
    expect(new Set(events.events.map((event) => event.message)).size).to.equal(1);
    expect(events.last('start')).to.deep.equal({ key: 'docs/notes.txt', method: 'GET' });
    const planned = events.last('asyncEnd')!;
    expect(planned).to.deep.include({ key: 'docs/notes.txt', method: 'GET', location: 'local', size: NOTES.length, rule: 'fallback', strategy: 'directStream', status: 200, body: 'stream' });
    expect(planned.reasons).to.deep.equal(['no rule applies']);
    expect(planned.duration).to.be.a('number').and.to.be.at.least(0);
    expect(events.last('stream:open')!.stream).to.deep.equal({ bytes: 0, length: NOTES.length, state: 'open' });
    expect(closed.stream).to.deep.include({ bytes: NOTES.length, length: NOTES.length, state: 'finished' });
    expect(closed.stream!.duration).to.be.a('number').and.to.be.at.least(0);
    expect(closed.stream!.errorCode).to.equal(undefined);
    expect(events.events[0]!.message.result?.strategy).to.equal('directStream');
  });

  it('counts the bytes of a range: 206 and the stream reports the range length', async () => {
    const url = await serve(streaming());
    const response = await request(`${url}/docs/notes.txt`, { headers: { Range: 'bytes=2-9' } });
    expect(response.status).to.equal(206);
    expect(response.body.toString()).to.equal(NOTES.slice(2, 10));
    const closed = await events.streamClosed();
    expect(closed).to.deep.include({ status: 206, body: 'stream', size: NOTES.length });
    expect(closed.stream).to.deep.include({ bytes: 8, length: 8, state: 'finished' });
  });

  it('reports a stream the client abandons as aborted, with the bytes that went out before', async () => {
    const url = await serve(streaming());
    const received = await readThenAbandon(`${url}/large.bin`, 64 * 1024);
    expect(received.status).to.equal(200);
    expect(received.bytes).to.be.at.least(64 * 1024);
    const closed = await events.streamClosed();
    expect(closed).to.deep.include({ strategy: 'directStream', status: 200, size: LARGE_SIZE });
    expect(closed.stream!.state).to.equal('aborted');
    expect(closed.stream!.length).to.equal(LARGE_SIZE);
    expect(closed.stream!.bytes).to.be.at.least(received.bytes).and.to.be.below(LARGE_SIZE);
    // The client left: the adapter destroys the body without an error, so no code.
    expect(closed.stream!.errorCode).to.equal(undefined);
  });

  for (const [use, header, value] of [
    ['xAccel', 'x-accel-redirect', '/_protected/docs/notes.txt'],
    ['xSendfile', 'x-sendfile', undefined],
    ['caddyAccel', 'x-accel-redirect', '/docs/notes.txt'],
  ] as const) {
    it(`publishes an offload by ${use}: the rule, its reasons and an empty 200, no stream events`, async () => {
      const url = await serve(offloading(use));
      const response = await request(`${url}/docs/notes.txt`);
      expect(response.status).to.equal(200);
      expect(response.body.length).to.equal(0);
      expect(response.headers[header]).to.equal(value ?? join(root, 'docs', 'notes.txt'));
      expect(events.names()).to.deep.equal(DELIVERY);
      const planned = events.last('asyncEnd')!;
      expect(planned).to.deep.include({ location: 'local', size: NOTES.length, rule: 'offload in production', strategy: use, status: 200, body: 'empty' });
      expect(planned.reasons).to.deep.equal(['environment production in [production]']);
      expect(planned.errorCode).to.equal(undefined);
    });
  }

  it('publishes a missing file as an error: NOT_FOUND, 404, no plan', async () => {
    const url = await serve(offloading('xAccel'));
    const response = await request(`${url}/docs/missing.txt`);
    expect(response.status).to.equal(404);
    expect(events.names()).to.deep.equal(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    const failed = events.last('error')!;
    expect(failed).to.deep.include({ key: 'docs/missing.txt', method: 'GET', status: 404, errorCode: 'NOT_FOUND' });
    expect(failed.strategy).to.equal(undefined);
    expect(failed.duration).to.be.a('number');
    expect(events.events.find((event) => event.name === 'error')!.message.error).to.have.property('code', 'NOT_FOUND');
  });

  it('publishes an invalid key as INVALID_KEY, 400, before any file is looked at', async () => {
    const url = await serve(offloading('xAccel'));
    const response = await request(`${url}/docs/..%2Fsecret`);
    expect(response.status).to.equal(400);
    expect(events.last('error')).to.deep.include({ key: 'docs/../secret', status: 400, errorCode: 'INVALID_KEY' });
    expect(events.last('error')!.location).to.equal(undefined);
  });

  it('stops publishing once the subscriber leaves', async () => {
    const url = await serve(streaming());
    events.stop();
    const response = await request(`${url}/docs/notes.txt`);
    expect(response.body.toString()).to.equal(NOTES);
    expect(events.names()).to.deep.equal([]);
  });
});
