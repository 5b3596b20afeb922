import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { failuresOf } from '../lib/downloader.js';
import { percentile } from '../lib/stats.js';
import { DownloadProcess, downloadFromProcesses, mergeReports } from './background-downloads.js';
import { latencyFailuresOf, measureLatency } from './latency.js';
import { isStatusBody } from './verify.js';

const BODY = Buffer.alloc(512 * 1024, 3);

describe('offload load generators', () => {
  let server: Server | undefined;
  let served = 0;

  async function serve(listener: RequestListener): Promise<string> {
    served = 0;
    server = createServer((req, res) => {
      served++;
      listener(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    server?.closeAllConnections();
    if (server?.listening) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  describe('background downloads (own process)', () => {
    it('keeps downloading until stopped, counts whole bodies and reports the same figures on a second stop', async () => {
      const origin = await serve((_req, res) => {
        res.setHeader('Content-Length', BODY.length);
        res.end(BODY);
      });
      const load = await DownloadProcess.start({ url: `${origin}/file`, clients: 3, expectedSize: BODY.length, limitMs: 60_000 });
      while (served < 9) await delay(50);
      const report = await load.stop();
      expect(report.completed).to.be.at.least(6);
      expect(failuresOf(report)).to.equal(0);
      expect(report.bytes).to.be.at.least(report.completed * BODY.length);
      expect(report.bytes).to.be.at.most(served * BODY.length);
      expect(await load.stop()).to.deep.equal(report);
    });

    it('reports non-2xx answers as failures', async () => {
      const origin = await serve((_req, res) => {
        res.statusCode = 503;
        res.end('busy');
      });
      const load = await DownloadProcess.start({ url: `${origin}/file`, clients: 2, expectedSize: BODY.length, limitMs: 60_000 });
      while (served < 4) await delay(50);
      const report = await load.stop();
      expect(report.non2xx).to.be.at.least(4);
      expect(report.completed).to.equal(0);
    });
  });

  describe('download processes started together', () => {
    it('waits for the start signal, then downloads until the time limit; the reports are merged', async () => {
      const origin = await serve((_req, res) => {
        res.setHeader('Content-Length', BODY.length);
        res.end(BODY);
      });
      const waiting = await DownloadProcess.start({ url: `${origin}/file`, clients: 1, expectedSize: BODY.length, limitMs: 60_000 }, { waitForGo: true });
      await delay(300);
      expect(served).to.equal(0);
      const stopped = await waiting.stop();
      expect(stopped.bytes).to.equal(0);
      expect(stopped.completed).to.equal(0);

      const report = await downloadFromProcesses({ url: `${origin}/file`, processes: 3, clientsEach: 2, expectedSize: BODY.length, limitMs: 800 });
      expect(report.completed).to.be.greaterThan(0);
      expect(failuresOf(report)).to.equal(0);
      expect(report.completed + report.unfinished).to.equal(served);
      expect(report.elapsedMs).to.be.at.least(800);
      expect(report.bytes).to.be.at.least(report.completed * BODY.length);
    });

    it('adds up counts and bytes and keeps the longest elapsed time', () => {
      const one = { bytes: 10, elapsedMs: 900, completed: 1, non2xx: 0, mismatched: 1, errors: 0, unfinished: 2 };
      const two = { bytes: 5, elapsedMs: 1000, completed: 2, non2xx: 3, mismatched: 0, errors: 1, unfinished: 0 };
      expect(mergeReports([one, two])).to.deep.equal({ bytes: 15, elapsedMs: 1000, completed: 3, non2xx: 3, mismatched: 1, errors: 1, unfinished: 2 });
    });
  });

  describe('latency of a route', () => {
    it('keeps one full-precision sample per 2xx answer and takes p50/p99 from them', async () => {
      const origin = await serve((_req, res) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ status: 'ok' }));
      });
      const report = await measureLatency({ url: `${origin}/api/status`, connections: 2, rate: 100, durationSeconds: 1, verifyBody: isStatusBody });
      expect(report.samples.length).to.be.greaterThan(10);
      expect(report.samples.length).to.be.at.most(served);
      expect(latencyFailuresOf(report)).to.equal(0);
      expect(report.p50).to.equal(percentile(report.samples, 50));
      expect(report.p99).to.equal(percentile(report.samples, 99));
      expect(report.samples.some((sample) => !Number.isInteger(sample))).to.equal(true);
    });

    it('counts wrong bodies as mismatches and non-2xx answers apart, with no samples for the latter', async () => {
      let answer = 0;
      const origin = await serve((_req, res) => {
        answer++;
        if (answer % 2 === 0) {
          res.statusCode = 500;
          res.end('{"status":"ok"}');
        } else {
          res.end('{"status":"degraded"}');
        }
      });
      const report = await measureLatency({ url: `${origin}/api/status`, connections: 1, rate: 50, durationSeconds: 1, verifyBody: isStatusBody });
      expect(report.non2xx).to.be.greaterThan(0);
      expect(report.mismatched).to.be.greaterThan(0);
      // Only the 2xx (mismatched) answers were timed.
      expect(report.samples.length).to.be.at.most(served - report.non2xx);
      expect(latencyFailuresOf(report)).to.be.at.least(report.non2xx + report.mismatched);
    });
  });
});
