/**
 * The example app, run as an operator runs it, seen from the outside: each download shows up in
 * `GET /metrics` (Prometheus text, for the scrape token only) and as one JSON line in its output,
 * naming the strategy that delivered it. Once streamed by the app itself (dev), once offloaded to
 * nginx, with /metrics fetched through nginx too.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { request } from '@sendoff-tools/test-kit';
import { startAppProcess, type AppProcess } from './app-process.js';
import { download, listFiles, signIn } from './downloads.js';

const TOKEN = 'scrape-token-0123456789abcdef';
const PROFILES = [
  { profile: 'dev', strategy: 'directStream', rule: 'fallback', streamed: true },
  { profile: 'nginx', strategy: 'xAccel', rule: 'offload to nginx', streamed: false },
] as const;

type Labels = Record<string, string>;

/** The value of the sample `name` whose labels are exactly `labels` (0 when absent). */
function sample(text: string, name: string, labels: Labels = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1], label[2]]));
    if (JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(labels).sort())) return Number(match[3]);
  }
  return 0;
}

/** The JSON download lines the app printed so far. */
function downloadLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{"msg":"download"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Polls the app's output until a download line for `file` is there (a stream is logged when it closes). */
async function lineFor(app: AppProcess, file: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const line = downloadLines(app.output()).find((entry) => entry['file'] === file);
    if (line) return line;
    await delay(50);
  }
  throw new Error(`no download line for ${file} in:\n${app.output()}`);
}

for (const expected of PROFILES) {
  describe(`example app process (${expected.profile}): /metrics and the download log`, function () {
    this.timeout(120_000);
    let dataDir: string;
    let app: AppProcess | undefined;

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sendoff-observe-'));
      await chmod(dataDir, 0o755); // nginx's workers run as another user when the tests run as root
      app = await startAppProcess({ profile: expected.profile, dataDir, env: { METRICS_TOKEN: TOKEN } });
    });
    after(async () => {
      await app?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    const metrics = async (): Promise<string> => {
      const response = await request(`${app!.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(response.status).to.equal(200);
      expect(response.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
      expect(response.headers['cache-control']).to.equal('no-store');
      return response.body.toString('utf8');
    };

    it(`counts a download under ${expected.strategy} and logs one line for it, naming the file by id`, async () => {
      const token = await signIn(app!.url, 'alice');
      const [file] = (await listFiles(app!.url, token)).filter((listed) => listed.size > 0);
      const before = await metrics();
      const done = await download(app!.url, 'alice', token, file!);
      expect([done.finalStatus, done.size]).to.deep.equal([200, file!.size]);
      if (expected.profile === 'nginx') expect(done.finalHeaders['server']).to.match(/^nginx/);

      const line = await lineFor(app!, file!.id);
      expect(line).to.deep.include({ msg: 'download', file: file!.id, method: 'GET', strategy: expected.strategy, rule: expected.rule, status: 200, size: file!.size });
      expect(line['bytes']).to.equal(expected.streamed ? file!.size : 0);
      if (expected.streamed) expect(line['stream']).to.equal('finished');
      expect(line['decisionMs']).to.be.a('number');
      expect(line['ms']).to.be.a('number').at.least(line['decisionMs'] as number);
      expect(JSON.stringify(line)).to.not.include('alice');

      const after = await metrics();
      const labels = { strategy: expected.strategy, status: '200' };
      expect(sample(after, 'sendoff_deliveries_total', labels) - sample(before, 'sendoff_deliveries_total', labels)).to.equal(1);
      const streamed = { strategy: expected.strategy };
      expect(sample(after, 'sendoff_stream_bytes_total', streamed) - sample(before, 'sendoff_stream_bytes_total', streamed)).to.equal(expected.streamed ? file!.size : 0);
      expect(sample(after, 'sendoff_streams_active', streamed)).to.equal(0);
      const count = (text: string) => sample(text, 'sendoff_deliver_duration_seconds_count', streamed);
      expect(count(after) - count(before)).to.equal(1);
      expect(after).to.include('# TYPE sendoff_deliver_duration_seconds histogram');
    });

    it('answers /metrics only to the scrape token: 401 with a Bearer challenge otherwise', async () => {
      const attempts: Array<Record<string, string>> = [{}, { Authorization: 'Bearer wrong-token-0123456789' }, { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }];
      for (const headers of attempts) {
        const response = await request(`${app!.url}/metrics`, { headers });
        expect(response.status).to.equal(401);
        expect(response.headers['www-authenticate']).to.equal('Bearer realm="metrics"');
        expect(response.body.toString()).to.not.include('sendoff_');
      }
    });
  });
}
