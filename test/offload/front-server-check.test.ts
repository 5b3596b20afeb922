/**
 * `verifyFrontServer`, the start-up check, against the real servers in front of a probe app: a
 * working deployment passes with the probe delivered by the offload strategy; a server whose
 * workers cannot reach the files, a broken config, an app that never offloads and a server that
 * does not answer are each refused with DELIVERY_CHECK_FAILED, a message naming the cause and the
 * fix. Run as root: the servers then switch their workers to www-data (Caddy never switches).
 */
import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendoffError, caddyAccel, xAccel, xSendfile, type PolicyConfig } from '@sendoff/core';
import { verifyFrontServer, type OffloadStrategy, type ServerKind } from '@sendoff/core/servers';
import { ROOT_WORKER_USER, runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { startProbeApp, type ProbeApp } from '../cli/support/probe-app.js';

function strategyFor(server: ServerKind, root: string): OffloadStrategy {
  if (server === 'nginx') return xAccel({ root, prefix: '/_protected/' });
  if (server === 'caddy') return caddyAccel({ root });
  return xSendfile({ server, root });
}

/** The status each server answers when its workers cannot reach the file (observed). */
const REFUSED_STATUS: Record<'nginx' | 'apache' | 'lighttpd', number> = { nginx: 403, apache: 404, lighttpd: 403 };
const SERVER_HEADER: Record<ServerKind, string> = { nginx: 'nginx', apache: 'Apache', lighttpd: 'lighttpd', caddy: 'Caddy' };

describe('verifyFrontServer: the start-up check through the real servers (as root)', function () {
  this.timeout(30_000);

  let base: string;
  let root: string;
  let app: ProbeApp | undefined;
  let front: RunningServer | undefined;

  before(() => {
    expect(process.getuid?.(), 'these tests need root: only then do the servers run their workers as www-data').to.equal(0);
  });
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'sendoff-front-check-')); // drwx------ root:root
    root = join(base, 'files');
    await mkdir(root);
  });
  afterEach(async () => {
    await front?.stop();
    await app?.close();
    front = undefined;
    app = undefined;
    await rm(base, { recursive: true, force: true });
  });

  async function deploy(server: ServerKind, options: { edit?: (text: string) => string; policy?: PolicyConfig } = {}): Promise<{ strategy: OffloadStrategy; running: RunningServer; probeApp: ProbeApp }> {
    const strategy = strategyFor(server, root);
    const probeApp = await startProbeApp(root, strategy, options.policy);
    app = probeApp;
    const running = await runServer({ server, strategy, upstream: { host: '127.0.0.1', port: probeApp.port }, editConfig: options.edit });
    front = running;
    return { strategy, running, probeApp };
  }

  async function refusal(check: Promise<void>): Promise<SendoffError> {
    const error = await check.then(() => expect.fail('verifyFrontServer resolved'), (e: unknown) => e);
    expect(error).to.be.instanceOf(SendoffError);
    expect((error as SendoffError).code).to.equal('DELIVERY_CHECK_FAILED');
    expect((error as SendoffError).status).to.equal(500);
    expect((error as SendoffError).expose).to.equal(false);
    return error as SendoffError;
  }

  for (const server of ['nginx', 'apache', 'lighttpd', 'caddy'] as const) {
    it(`${server}: resolves when the server delivers the probe, which the offload strategy planned`, async () => {
      await chmod(base, 0o755);
      const { strategy, running, probeApp } = await deploy(server);
      await verifyFrontServer({ url: running.url, probe: probeApp.probe, strategy, user: running.user });
      expect(probeApp.deliveredBy).to.deep.equal([strategy.name]);
      expect(running.user).to.equal(server === 'caddy' ? undefined : ROOT_WORKER_USER);
    });
  }

  for (const [server, status] of Object.entries(REFUSED_STATUS) as Array<[keyof typeof REFUSED_STATUS, number]>) {
    it(`${server}: a root under a directory www-data cannot enter is refused, naming the user, the directory and the fix`, async () => {
      const { strategy, running, probeApp } = await deploy(server);
      const error = await refusal(verifyFrontServer({ url: running.url, probe: probeApp.probe, strategy, user: running.user }));
      expect(error.message).to.equal(
        `${SERVER_HEADER[server]} at ${running.url} cannot deliver the app's files (GET /_sendoff/probe answered ${status}): ` +
          `${ROOT_WORKER_USER} cannot enter ${base} (drwx------ root:root): chmod o+x ${base}, or run the web server as a user that can read it`,
      );
    });
  }

  it('nginx: a probe file www-data cannot read is refused, naming the file', async () => {
    await chmod(base, 0o755);
    const { strategy, running, probeApp } = await deploy('nginx');
    const file = join(root, '_sendoff', 'probe.bin');
    await chmod(file, 0o600);
    const error = await refusal(verifyFrontServer({ url: running.url, probe: probeApp.probe, strategy, user: running.user }));
    expect(error.message).to.match(/answered 403\): /);
    expect(error.message).to.include(`www-data cannot read ${file} (-rw------- root:root): chmod o+r ${file}, or run the web server as a user that can read it`);
  });

  it('caddy reads the files as the user that started it (root): the 0700 directory is no obstacle', async () => {
    const { strategy, running, probeApp } = await deploy('caddy');
    await verifyFrontServer({ url: running.url, probe: probeApp.probe, strategy, user: running.user });
    expect(probeApp.deliveredBy).to.deep.equal(['caddyAccel']);
  });

  it('Apache with XSendFile Off: refused with the reason the probe checks give (leaked header, empty body)', async () => {
    await chmod(base, 0o755);
    const { strategy, running, probeApp } = await deploy('apache', { edit: (text) => text.replace('XSendFile On', 'XSendFile Off') });
    const error = await refusal(verifyFrontServer({ url: running.url, probe: probeApp.probe, strategy, user: running.user }));
    expect(error.message).to.equal(
      `Apache at ${running.url} cannot deliver the app's files (GET /_sendoff/probe answered 200): ` +
        'X-Sendfile reached the client: Apache XSendFile is Off (or mod_xsendfile is not loaded); body empty: Apache XSendFile is Off (or mod_xsendfile is not loaded)',
    );
  });

  it('an app whose policy never picks the offload (directStream behind nginx) is refused before any request', async () => {
    await chmod(base, 0o755);
    const policy: PolicyConfig = { rules: [{ name: 'offload', use: 'xAccel', environment: 'staging' }], fallback: 'directStream' };
    const { strategy, running, probeApp } = await deploy('nginx', { policy });
    const error = await refusal(verifyFrontServer({ url: running.url, probe: probeApp.probe, strategy, user: running.user }));
    expect(error.message).to.equal(
      'the app delivers the probe with directStream, not with xAccel, the strategy the front server is configured for: ' +
        "the front server would only pass on what the app sends. Check that the policy's rule for xAccel matches in this environment",
    );
    expect(probeApp.deliveredBy).to.deep.equal([]);
  });

  it('a front server that does not answer is refused, naming the URL', async () => {
    await chmod(base, 0o755);
    const { strategy, running, probeApp } = await deploy('nginx');
    const url = running.url;
    await running.stop();
    front = undefined;
    const error = await refusal(verifyFrontServer({ url, probe: probeApp.probe, strategy, timeoutMs: 2000 }));
    expect(error.message).to.match(new RegExp(`^the front server at ${url.replace(/\./g, '\\.')} did not answer GET /_sendoff/probe: connect ECONNREFUSED`));
  });
});
