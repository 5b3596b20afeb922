/**
 * `sendoff doctor` (the real bin) against real web servers in front of a probe app: a correct
 * deployment for each server passes every check; deliberately broken ones fail the right checks
 * with a reason naming the misconfiguration, and exit 1.
 */
import { expect } from 'chai';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caddyAccel, xAccel, xSendfile, type PolicyConfig } from '@sendoff/core';
import type { DoctorReport, OffloadStrategy, ServerKind } from '@sendoff/core/servers';
import { runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { startProbeApp, type ProbeApp } from './support/probe-app.js';
import { runCli } from './support/run-cli.js';

const ALL_CHECKS = [
  'probe expectation',
  'status 200',
  'no delivery header',
  'body is the probe file',
  'internal location hidden',
  'range bytes=0-0',
  'conditional 304',
  'offload in use',
];

function strategyFor(server: ServerKind, root: string): OffloadStrategy {
  if (server === 'nginx') return xAccel({ root, prefix: '/_protected/' });
  if (server === 'caddy') return caddyAccel({ root });
  return xSendfile({ server, root });
}

describe('sendoff doctor (real CLI process, real servers)', () => {
  let root: string;
  let app: ProbeApp | undefined;
  let front: RunningServer | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sendoff-doctor-'));
    await chmod(root, 0o755); // the servers' workers run as another user
  });
  afterEach(async () => {
    await front?.stop();
    await app?.close();
    front = undefined;
    app = undefined;
    await rm(root, { recursive: true, force: true });
  });

  /** Starts the probe app and `server` in front of it, the config edited by `edit` if given. */
  async function deploy(server: ServerKind, edit?: (text: string) => string, policy?: PolicyConfig): Promise<string> {
    const strategy = strategyFor(server, root);
    app = await startProbeApp(root, strategy, policy);
    front = await runServer({ server, strategy, upstream: { host: '127.0.0.1', port: app.port }, editConfig: edit });
    return front.url;
  }

  async function doctor(url: string): Promise<{ code: number | null; report: DoctorReport }> {
    const result = await runCli(['doctor', url, '--json']);
    return { code: result.code, report: JSON.parse(result.stdout) as DoctorReport };
  }

  function failed(report: DoctorReport): Record<string, string> {
    return Object.fromEntries(report.checks.filter((check) => !check.ok).map((check) => [check.name, check.detail]));
  }

  for (const server of ['nginx', 'apache', 'lighttpd', 'caddy'] as const) {
    it(`${server}, correct deployment: every check passes, exit 0`, async () => {
      const url = await deploy(server);
      const { code, report } = await doctor(url);
      expect(failed(report)).to.deep.equal({});
      expect(report.checks.map((check) => check.name)).to.deep.equal(ALL_CHECKS);
      expect(report.ok).to.equal(true);
      expect(code).to.equal(0);
      // The probe really went through the offload strategy (probe, range, conditional requests).
      expect(app?.deliveredBy).to.have.length(3);
      expect(new Set(app?.deliveredBy)).to.deep.equal(new Set([strategyFor(server, root).name]));
    });
  }

  it('nginx in front of an app whose policy never offloads (directStream): every delivery check passes, the offload check fails, exit 1', async () => {
    // The offload rule names an environment the deployment is not in: every download falls back.
    const url = await deploy('nginx', undefined, { rules: [{ name: 'offload', use: 'xAccel', environment: 'prod' }], fallback: 'directStream' });
    const { code, report } = await doctor(url);
    expect(code).to.equal(1);
    expect(report.ok).to.equal(false);
    expect(report.checks.map((check) => check.name)).to.deep.equal(ALL_CHECKS);
    expect(failed(report)).to.deep.equal({
      'offload in use': 'the app streams the file itself (directStream): the offload is not in use; nginx only proxies the bytes ' +
        "(the policy's offload rule did not match, or the strategy cannot serve the storage)",
    });
    expect(app?.deliveredBy).to.have.length(3);
    expect(new Set(app?.deliveredBy)).to.deep.equal(new Set(['directStream']));
    const text = await runCli(['doctor', url]);
    expect(text.code).to.equal(1);
    expect(text.stdout).to.contain('  FAIL  offload in use: the app streams the file itself (directStream): the offload is not in use');
    expect(text.stdout.trimEnd().split('\n').at(-1)).to.equal('1 of 8 checks failed');
  });

  it('nginx without the internal location: the redirect falls back to the app, exit 1', async () => {
    const url = await deploy('nginx', (text) => text.replace(/ {4}location \^~ \/_protected\/ \{[\s\S]*?\n {4}\}\n/, ''));
    const { code, report } = await doctor(url);
    expect(code).to.equal(1);
    expect(report.ok).to.equal(false);
    const failures = failed(report);
    expect(failures['status 200']).to.equal(
      'got 404: nginx has no internal location for /_protected/ (the redirect went back to the app) or its alias is not the storage root');
    expect(failures['body is the probe file']).to.match(/^body differs from the probe file/);
    expect(Object.keys(failures)).to.deep.equal(['status 200', 'body is the probe file', 'range bytes=0-0', 'conditional 304']);
  });

  it('nginx with the protected location not `internal`: the file is reachable directly, exit 1', async () => {
    const url = await deploy('nginx', (text) => text.replace(/\n\s+internal;/, ''));
    const { code, report } = await doctor(url);
    expect(code).to.equal(1);
    expect(failed(report)).to.deep.equal({
      'internal location hidden': 'GET /_protected/_sendoff/probe.bin answered 200 with the file: the location /_protected/ is not `internal`',
    });
  });

  it('Apache with XSendFile Off: X-Sendfile reaches the client and the body is empty, exit 1', async () => {
    const url = await deploy('apache', (text) => text.replace('XSendFile On', 'XSendFile Off'));
    const { code, report } = await doctor(url);
    expect(code).to.equal(1);
    const failures = failed(report);
    expect(failures['no delivery header']).to.equal('X-Sendfile reached the client: Apache XSendFile is Off (or mod_xsendfile is not loaded)');
    expect(failures['body is the probe file']).to.equal('body empty: Apache XSendFile is Off (or mod_xsendfile is not loaded)');
    expect(Object.keys(failures)).to.deep.equal(['no delivery header', 'body is the probe file', 'range bytes=0-0', 'conditional 304']);
    expect(report.server).to.match(/^Apache/);
  });

  it('lighttpd without x-sendfile: an empty 200, exit 1', async () => {
    const url = await deploy('lighttpd', (text) => text.replace('  "x-sendfile" => "enable",\n', ''));
    const { code, report } = await doctor(url);
    expect(code).to.equal(1);
    const failures = failed(report);
    expect(failures['body is the probe file']).to.equal('body empty: lighttpd x-sendfile not enabled for the proxy backend');
    // lighttpd 1.4.69 removes X-Sendfile from the backend response even when it does not act on it.
    expect(Object.keys(failures)).to.deep.equal(['body is the probe file', 'range bytes=0-0', 'conditional 304']);
    expect(failures['range bytes=0-0']).to.equal('got 200, expected 206: the server in front does not answer Range on the offloaded file');
  });

  it('Caddy without handle_response: X-Accel-Redirect reaches the client, exit 1', async () => {
    const url = await deploy('caddy', (text) => text.replace(/ {4}@accel[\s\S]*?\n {4}\}\n/, ''));
    const { code, report } = await doctor(url);
    expect(code).to.equal(1);
    const failures = failed(report);
    expect(failures['no delivery header']).to.equal(
      "X-Accel-Redirect reached the client: the Caddyfile's reverse_proxy has no handle_response for X-Accel-Redirect");
    expect(failures['body is the probe file']).to.match(/^body empty: /);
    expect(Object.keys(failures)).to.deep.equal(['no delivery header', 'body is the probe file', 'range bytes=0-0', 'conditional 304']);
  });

  it('prints one line per check without --json', async () => {
    const url = await deploy('nginx');
    const result = await runCli(['doctor', url]);
    expect(result.code).to.equal(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal(`sendoff doctor ${url}/ (server: nginx)`);
    expect(lines.slice(1, -1).map((line) => line.slice(0, 8))).to.deep.equal(ALL_CHECKS.map(() => '  ok    '));
    expect(lines.at(-1)).to.equal('all 8 checks passed');
  });

  it('an app without the probe route: the expectation check fails, exit 1', async () => {
    const url = await deploy('nginx');
    const result = await runCli(['doctor', url, '--json', '--probe-path', '/no/probe/here']);
    expect(result.code).to.equal(1);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.checks).to.deep.equal([{
      name: 'probe expectation',
      ok: false,
      detail: 'GET /no/probe/here?expect=1 answered 404: the app does not expose the sendoff probe at /no/probe/here',
    }]);
  });

  it('exit 2 on a usage error, exit 1 when nothing answers', async () => {
    const noUrl = await runCli(['doctor']);
    expect(noUrl.code).to.equal(2);
    expect(noUrl.stderr).to.equal('sendoff doctor: which deployment? sendoff doctor <public-url>\n');
    const badUrl = await runCli(['doctor', 'ftp://example.org/']);
    expect(badUrl.code).to.equal(2);
    expect(badUrl.stderr).to.equal('sendoff doctor: not an http(s) URL: "ftp://example.org/"\n');
    const badPath = await runCli(['doctor', 'http://127.0.0.1:1/', '--probe-path', 'probe']);
    expect(badPath.code).to.equal(2);
    const unreachable = await runCli(['doctor', 'http://127.0.0.1:1/', '--json']);
    expect(unreachable.code).to.equal(1);
    const report = JSON.parse(unreachable.stdout) as DoctorReport;
    expect(report.checks).to.have.length(1);
    expect(report.checks[0]?.detail).to.match(/^cannot reach http:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
  });
});
