import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failuresOf, fetchWhole, runDownloads } from './downloader.js';

const BODY = Buffer.alloc(256 * 1024, 7);

describe('downloader', () => {
  let server: Server | undefined;

  async function serve(listener: RequestListener): Promise<string> {
    server = createServer(listener);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
  }

  afterEach(async () => {
    server?.closeAllConnections();
    if (server?.listening) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  it('reads every body to the end and counts each byte once', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('Content-Length', BODY.length);
      res.end(BODY);
    });
    const report = await runDownloads({ url, clients: 3, perClient: 2, durationMs: 20_000, expectedSize: BODY.length });
    expect(report.completed).to.equal(6);
    expect(report.bytes).to.equal(6 * BODY.length);
    expect(failuresOf(report)).to.equal(0);
    expect(report.unfinished).to.equal(0);
  });

  it('counts a non-2xx answer as a failure, not as a download', async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('missing');
    });
    const report = await runDownloads({ url, clients: 2, perClient: 1, durationMs: 20_000, expectedSize: BODY.length });
    expect(report.non2xx).to.equal(2);
    expect(report.completed).to.equal(0);
    expect(failuresOf(report)).to.equal(2);
  });

  it('counts a 200 with a body of the wrong length as mismatched', async () => {
    const url = await serve((_req, res) => {
      res.end(BODY.subarray(0, 1000));
    });
    const report = await runDownloads({ url, clients: 1, perClient: 1, durationMs: 20_000, expectedSize: BODY.length });
    expect(report.mismatched).to.equal(1);
    expect(report.completed).to.equal(0);
    expect(report.bytes).to.equal(1000);
  });

  it('counts a connection cut mid-body as an error', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('Content-Length', BODY.length);
      res.write(BODY.subarray(0, 1000), () => res.destroy());
    });
    const report = await runDownloads({ url, clients: 1, perClient: 1, durationMs: 20_000, expectedSize: BODY.length });
    expect(report.errors).to.equal(1);
    expect(report.completed).to.equal(0);
  });

  it('cuts downloads still running at the deadline and reports them as unfinished', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('Content-Length', BODY.length);
      res.write(BODY.subarray(0, 500));
    });
    const report = await runDownloads({ url, clients: 2, perClient: 1, durationMs: 300, expectedSize: BODY.length });
    expect(report.unfinished).to.equal(2);
    expect(report.bytes).to.equal(1000);
    expect(failuresOf(report)).to.equal(0);
  });

  it('fetches one whole response with its status and headers', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('Content-Type', 'application/octet-stream');
      res.end(BODY);
    });
    const response = await fetchWhole(url);
    expect(response.status).to.equal(200);
    expect(response.headers['content-type']).to.equal('application/octet-stream');
    expect(response.body.equals(BODY)).to.equal(true);
  });

  it('fetches a whole body with the path and query sent exactly as written, encoded dots and all', async () => {
    const url = await serve((req, res) => {
      res.setHeader('X-Seen-Path', req.url ?? '');
      res.setHeader('X-Seen-Test', String(req.headers['x-test']));
      res.end('ok');
    });
    const response = await fetchWhole(`${url}/%2e%2e/../x%00?q=%2e`, { 'X-Test': 'yes' });
    expect(response.status).to.equal(200);
    expect(response.headers['x-seen-path']).to.equal('/file/%2e%2e/../x%00?q=%2e');
    expect(response.headers['x-seen-test']).to.equal('yes');
    expect(response.body.toString()).to.equal('ok');
  });
});
