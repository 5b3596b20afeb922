/**
 * `applyPlanToReply` of `@sendoff/core/node` over real HTTP, through the smallest reply a
 * framework could have (code, header, hasHeader, send over a node:http response): what reaches the
 * client, what is set on the reply when the plan fails to open, and how the promise settles. The
 * Fastify plugin's tests and conformance run it through a real Fastify reply.
 */
import { once } from 'node:events';
import { get as httpGet, type IncomingMessage, type ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { expect } from 'chai';
import { listen, type Listening } from '@sendoff-tools/test-kit';
import type { DeliveryPlan } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { expectConnectionToCloseShort, fetchResponse, rawResponse } from '../testing/index.js';
import { applyPlanToReply, type ReplyLike } from './index.js';

const BYTES = Buffer.from('hello, reply\n'.repeat(8));

/** A reply over a node:http response that records what the applier called, in order. */
function replyOver(req: IncomingMessage, res: ServerResponse, calls: string[]): ReplyLike {
  return {
    raw: res,
    request: { raw: req },
    code(status) {
      calls.push(`code ${status}`);
      res.statusCode = status;
    },
    header(name, value) {
      calls.push(`header ${name.toLowerCase()}`);
      res.setHeader(name, value);
    },
    hasHeader: (name) => res.hasHeader(name),
    send(payload) {
      calls.push('send');
      if (payload instanceof Readable) {
        payload.once('error', () => res.destroy());
        payload.pipe(res);
      } else res.end(payload);
    },
  };
}

/** How one call ended. */
interface Outcome {
  error?: unknown;
  calls: string[];
  closedBeforeSettling: boolean;
}

describe('@sendoff/core/node applyPlanToReply()', () => {
  let app: Listening;
  let plan: () => DeliveryPlan;
  let opened: number;
  let settled: Promise<Outcome>;
  /** The outcome of the first request of each test (a pipelined second one may never settle). */
  let first: Promise<Outcome> | undefined;

  before(async () => {
    app = await listen((req, res) => {
      settled = run(req, res);
      first ??= settled;
    });
  });
  after(() => app.close());
  beforeEach(() => {
    opened = 0;
    first = undefined;
  });

  async function run(req: IncomingMessage, res: ServerResponse): Promise<Outcome> {
    const calls: string[] = [];
    try {
      await applyPlanToReply(replyOver(req, res, calls), plan());
      return { calls, closedBeforeSettling: res.closed };
    } catch (error) {
      const closedBeforeSettling = res.closed;
      if (!res.headersSent) {
        res.statusCode = 599;
        res.end('rendered by the caller');
      }
      return { error, calls, closedBeforeSettling };
    }
  }

  const streamPlan = (open: () => Promise<Readable> = async () => Readable.from([BYTES])): DeliveryPlan => ({
    strategy: 'test',
    status: 200,
    headers: { 'Content-Type': 'text/plain', ETag: '"v1"' },
    body: 'stream',
    length: BYTES.length,
    open: async () => {
      opened += 1;
      return open();
    },
  });

  it('sends a stream plan with its status, headers and length, and settles once the response is done', async () => {
    plan = () => streamPlan();
    const response = await fetchResponse(`${app.url}/a.txt`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.headers['content-type']).to.equal('text/plain');
    expect(response.headers.etag).to.equal('"v1"');
    expect(response.headers['content-length']).to.equal(String(BYTES.length));
    expect(response.body.equals(BYTES)).to.equal(true);
    const outcome = await settled;
    expect(outcome.error).to.equal(undefined);
    expect(outcome.closedBeforeSettling).to.equal(true);
  });

  it('keeps a Content-Length the plan sets', async () => {
    plan = () => ({ ...streamPlan(), status: 206, headers: { 'Content-Range': `bytes 0-3/${BYTES.length}`, 'Content-Length': '4' }, length: 4, open: async () => Readable.from([BYTES.subarray(0, 4)]) });
    const response = await fetchResponse(`${app.url}/a.txt`, 'GET');
    expect(response.status).to.equal(206);
    expect(response.headers['content-length']).to.equal('4');
    expect(response.body.equals(BYTES.subarray(0, 4))).to.equal(true);
  });

  it('answers HEAD with the announced length and no body, never opening the stream', async () => {
    plan = () => streamPlan();
    const response = await rawResponse(`${app.url}/a.txt`, 'HEAD');
    expect(response.status).to.equal(200);
    expect(response.headers['content-length']).to.equal(String(BYTES.length));
    expect(response.body).to.have.length(0);
    expect(opened).to.equal(0);
    expect((await settled).error).to.equal(undefined);
  });

  it('sends a redirect plan with Location and no body', async () => {
    plan = () => ({ strategy: 'test', status: 302, headers: { 'Cache-Control': 'private, no-store', 'Content-Length': '0' }, body: 'redirect', location: 'https://files.example/a.txt' });
    const response = await rawResponse(`${app.url}/a.txt`, 'GET');
    expect(response.status).to.equal(302);
    expect(response.headers.location).to.equal('https://files.example/a.txt');
    expect(response.headers['cache-control']).to.equal('private, no-store');
    expect(response.body).to.have.length(0);
  });

  it('sends an empty plan with its headers', async () => {
    plan = () => ({ strategy: 'test', status: 200, headers: { 'X-Accel-Redirect': '/_protected/a.txt', 'Content-Length': '0' }, body: 'empty' });
    const response = await rawResponse(`${app.url}/a.txt`, 'GET');
    expect(response.status).to.equal(200);
    expect(response.headers['x-accel-redirect']).to.equal('/_protected/a.txt');
    expect(response.body).to.have.length(0);
  });

  it('rejects with the error of a stream that fails to open, with nothing set on the reply', async () => {
    const failure = new SendoffError('NOT_FOUND', 'file not found');
    plan = () => streamPlan(() => Promise.reject(failure));
    const response = await rawResponse(`${app.url}/a.txt`, 'GET');
    expect(response.status).to.equal(599);
    expect(response.body.toString()).to.equal('rendered by the caller');
    expect(response.headers.etag).to.equal(undefined);
    const outcome = await settled;
    expect(outcome.error).to.equal(failure);
    expect(outcome.calls).to.deep.equal([]);
  });

  it('rejects with the body error of a stream that fails mid-body, after the connection broke', async () => {
    const failure = new Error('disk gone');
    plan = () =>
      streamPlan(async () => {
        const body = new PassThrough();
        body.write(BYTES.subarray(0, 10));
        setTimeout(() => body.destroy(failure), 50);
        return body;
      });
    await expectConnectionToCloseShort(`${app.url}/a.txt`, { expected: BYTES, status: 200 });
    const outcome = await first!;
    expect(outcome.error).to.equal(failure);
    expect(outcome.closedBeforeSettling).to.equal(true);
  });

  it('resolves when the client goes away mid-body, the stream destroyed', async () => {
    const body = new PassThrough();
    plan = () =>
      streamPlan(async () => {
        body.write(BYTES.subarray(0, 10));
        return body;
      });
    const request = httpGet(`${app.url}/a.txt`);
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    expect(response.statusCode).to.equal(200);
    response.once('data', () => request.destroy());
    const outcome = await settled;
    expect(outcome.error).to.equal(undefined);
    expect(outcome.closedBeforeSettling).to.equal(true);
    expect(body.destroyed).to.equal(true);
  });
});
