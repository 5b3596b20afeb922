/**
 * `deliver` and `applyPlan` of `@sendoff/core/node` over real HTTP, with plans given by the test:
 * what reaches the client, and how the promise settles (what the calling framework relies on).
 */
import { once } from 'node:events';
import { createServer, get as httpGet, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { expect } from 'chai';
import type { DeliveryPlan, DeliveryRequest } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { expectConnectionToCloseShort, fetchResponse, rawResponse } from '../testing/index.js';
import { WholeBody } from '../storage/whole-body.js';
import { deliver } from './index.js';

const BYTES = Buffer.from('hello, sendoff\n'.repeat(10));

/** How one `deliver` call ended, and what the response held then. */
interface Outcome {
  error?: unknown;
  headersSent: boolean;
  headerNames: string[];
}

describe('@sendoff/core/node deliver()', () => {
  let server: Server;
  let url: string;
  let plan: (request: DeliveryRequest) => DeliveryPlan | Promise<DeliveryPlan>;
  let requests: DeliveryRequest[];
  let opened: number;
  let outcomes: Outcome[];
  let settled: Promise<Outcome>;
  let responses: ServerResponse[];

  before(async () => {
    server = createServer((req, res) => {
      responses.push(res);
      settled = run(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    requests = [];
    opened = 0;
    outcomes = [];
    responses = [];
  });

  async function run(req: IncomingMessage, res: ServerResponse): Promise<Outcome> {
    const provider = {
      deliver: async (request: DeliveryRequest) => {
        requests.push(request);
        return plan(request);
      },
    };
    let outcome: Outcome;
    try {
      await deliver(req, res, provider, { key: 'a.txt' });
      outcome = { headersSent: res.headersSent, headerNames: res.getHeaderNames() };
    } catch (error) {
      outcome = { error, headersSent: res.headersSent, headerNames: res.getHeaderNames() };
      if (!res.headersSent) {
        res.statusCode = 599;
        res.end('rendered by the caller');
      }
    }
    outcomes.push(outcome);
    return outcome;
  }

  const streamPlan = (overrides: Partial<DeliveryPlan> = {}): DeliveryPlan =>
    ({
      strategy: 'test',
      status: 200,
      headers: { 'Content-Type': 'text/plain', ETag: '"v1"' },
      body: 'stream',
      length: BYTES.length,
      open: async () => {
        opened += 1;
        return Readable.from([BYTES]);
      },
      ...overrides,
    }) as DeliveryPlan;

  it('streams a stream plan with its status and headers, and Content-Length from its length', async () => {
    plan = () => streamPlan();
    const response = await fetchResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.headers['content-type']).to.equal('text/plain');
    expect(response.headers['etag']).to.equal('"v1"');
    expect(response.headers['content-length']).to.equal(String(BYTES.length));
    expect(response.body.equals(BYTES)).to.equal(true);
    expect((await settled).error).to.equal(undefined);
  });

  it('a body the storage read whole: written with the head without a pipe, the body ended, deliver resolved', async () => {
    const body = new WholeBody(BYTES);
    const events: string[] = [];
    body.on('end', () => events.push('end'));
    body.on('close', () => events.push('close'));
    let piped = 0;
    plan = () => {
      responses.at(-1)!.on('pipe', () => piped++);
      return streamPlan({ open: async () => body } as Partial<DeliveryPlan>);
    };
    const response = await fetchResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal(String(BYTES.length));
    expect(response.headers['etag']).to.equal('"v1"');
    expect(response.body.equals(BYTES)).to.equal(true);
    expect((await settled).error).to.equal(undefined);
    expect(piped).to.equal(0);
    expect(events).to.deep.equal(['end', 'close']);
  });

  it('a stream body is piped (the whole-body path is only for bodies read whole)', async () => {
    let piped = 0;
    plan = () => {
      responses.at(-1)!.on('pipe', () => piped++);
      return streamPlan();
    };
    const response = await fetchResponse(`${url}/a`, 'GET');
    expect(response.body.equals(BYTES)).to.equal(true);
    expect(piped).to.equal(1);
  });

  it('passes the method and the headers, and a signal made only when read', async () => {
    let closeListeners: number[] = [];
    plan = (request) => {
      const res = responses.at(-1)!;
      closeListeners = [res.listenerCount('close')];
      void request.signal;
      closeListeners.push(res.listenerCount('close'));
      return { strategy: 'test', status: 204, headers: {}, body: 'empty' };
    };
    await fetchResponse(`${url}/a?b=c`, 'GET', { 'X-Thing': 'Yes', Range: 'bytes=0-1' });
    const [request] = requests;
    expect(request?.method).to.equal('GET');
    expect(request?.headers['x-thing']).to.equal('Yes');
    expect(request?.headers['range']).to.equal('bytes=0-1');
    expect(request?.signal).to.be.instanceOf(AbortSignal);
    expect(request?.signal).to.equal(request?.signal);
    expect(closeListeners[1]).to.equal(closeListeners[0]! + 1);
  });

  it('HEAD: the stream is never opened, the length is announced, no body follows', async () => {
    plan = () => streamPlan();
    const response = await rawResponse(`${url}/a`, 'HEAD');
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal(String(BYTES.length));
    expect(response.body).to.have.length(0);
    expect(opened).to.equal(0);
  });

  it('an empty offload plan: its status and delivery header, no body and no file length', async () => {
    plan = () => ({ strategy: 'xAccel', status: 200, headers: { 'X-Accel-Redirect': '/_protected/a.txt', 'Content-Type': 'text/plain' }, body: 'empty' });
    const response = await rawResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.headers['x-accel-redirect']).to.equal('/_protected/a.txt');
    expect(response.headers['content-length']).to.be.oneOf([undefined, '0']);
    expect(response.body).to.have.length(0);
  });

  it('a redirect plan: its status, Location and headers, no body', async () => {
    plan = () => ({ strategy: 's3', status: 302, headers: { 'Cache-Control': 'private, max-age=60' }, body: 'redirect', location: 'https://files.example/a?sig=1' });
    const response = await rawResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(302);
    expect(response.headers['location']).to.equal('https://files.example/a?sig=1');
    expect(response.headers['cache-control']).to.equal('private, max-age=60');
    expect(response.body).to.have.length(0);
  });

  it('a deliverer that throws: deliver rejects with its error and has written nothing', async () => {
    const refused = new SendoffError('INVALID_KEY', 'invalid key: bad');
    plan = () => Promise.reject(refused);
    const response = await fetchResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(599);
    expect(await settled).to.deep.equal({ error: refused, headersSent: false, headerNames: [] });
  });

  it('a stream that fails to open: deliver rejects with its error and leaves none of the plan headers', async () => {
    const gone = new SendoffError('NOT_FOUND', 'file not found');
    plan = () => streamPlan({ headers: { 'X-Accel-Redirect': '/_protected/a', 'Content-Type': 'text/plain' }, open: () => Promise.reject(gone) } as Partial<DeliveryPlan>);
    const response = await fetchResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(599);
    expect(response.headers['x-accel-redirect']).to.equal(undefined);
    expect(await settled).to.deep.equal({ error: gone, headersSent: false, headerNames: [] });
  });

  it('a header value Node refuses: deliver rejects and leaves none of the plan headers behind', async () => {
    plan = () => ({ strategy: 'test', status: 200, headers: { 'X-Accel-Redirect': '/_protected/a', 'X-Bad': 'a\r\nb' }, body: 'empty' });
    const response = await fetchResponse(`${url}/a`, 'GET');
    expect(response.status).to.equal(599);
    expect(response.headers['x-accel-redirect']).to.equal(undefined);
    const outcome = await settled;
    expect(outcome.error).to.be.instanceOf(Error);
    expect(outcome.headerNames).to.deep.equal([]);
  });

  it('a client going away mid-body: deliver resolves and the stream is destroyed', async () => {
    const body = new PassThrough();
    body.write(Buffer.alloc(1024, 1));
    plan = () => streamPlan({ length: 10 * 1024 * 1024, open: async () => body } as Partial<DeliveryPlan>);
    const response = await new Promise<IncomingMessage>((resolve, reject) => httpGet(`${url}/a`, { agent: false }, resolve).on('error', reject));
    await once(response, 'data');
    response.destroy();
    const outcome = await settled;
    expect(outcome.error).to.equal(undefined);
    expect(body.destroyed).to.equal(true);
    expect(requests[0]?.signal?.aborted).to.equal(true);
  });

  it('a client gone while the stream was opened: deliver resolves and the stream is destroyed', async () => {
    const body = new PassThrough();
    let planned!: () => void;
    const reached = new Promise<void>((resolve) => (planned = resolve));
    plan = () => streamPlan({
      open: async () => {
        const res = responses.at(-1)!;
        planned();
        if (!res.closed) await once(res, 'close');
        return body;
      },
    } as Partial<DeliveryPlan>);
    const client = httpGet(`${url}/a`, { agent: false });
    client.on('error', () => undefined);
    await reached;
    client.destroy();
    const outcome = await settled;
    expect(outcome.error).to.equal(undefined);
    expect(outcome.headersSent).to.equal(false);
    expect(body.destroyed).to.equal(true);
  });

  it('a body that fails after the head: deliver rejects with its error and the connection ends short', async () => {
    const failure = new SendoffError('STORAGE_ERROR', 'the source ended early', { expose: false });
    plan = () => streamPlan({
      open: async () => {
        const body = new PassThrough();
        body.write(BYTES.subarray(0, 10));
        setImmediate(() => body.destroy(failure));
        return body;
      },
    } as Partial<DeliveryPlan>);
    await expectConnectionToCloseShort(`${url}/a`, { status: 200, expected: BYTES });
    expect(outcomes[0]).to.deep.include({ error: failure, headersSent: true });
  });
});
