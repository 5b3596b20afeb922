import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import { listen, type Listening } from '@sendoff-tools/test-kit';
import { failuresOf, runDownloads } from './downloader.js';

const BODY = Buffer.alloc(256 * 1024, 7);

describe('downloader', () => {
  let server: Listening | undefined;

  async function serve(listener: RequestListener): Promise<string> {
    server = await listen(listener);
    return `${server.url}/file`;
  }

  afterEach(async () => {
    await server?.close();
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
});
