/**
 * A profile with a web server in front checks, once the server is up, that it really delivers the
 * app's files (the probe, through the real server). A DATA_DIR the server's workers cannot read
 * (a 0700 directory owned by root, as `mkdtemp` makes it) used to give a healthy-looking app whose
 * every download was a 403/404: now `startApp` rejects, naming the user and the directory, and
 * stops everything it started.
 *
 * Run as root, as the web servers then switch their workers to www-data (see runServer); Caddy
 * never switches users, so it reads the files as the user that started it.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { isSendoffError } from '@sendoff/core';
import { ROOT_WORKER_USER, findFreePort } from '@sendoff-tools/web-servers';
import { SEED_FILES } from '../seed/seed-data.js';
import { startApp, type RunningApp, type StartAppOptions } from '../start-app.js';
import { ownResources } from '../../test/own-resources.js';
import { fileNamed, request, signIn, TEST_SECRET } from '../../test/support.js';

/** What each server answers the probe when its workers cannot enter DATA_DIR (observed). */
const REFUSED_STATUS = { nginx: 403, apache: 404, lighttpd: 403 } as const;

describe('example app: the start-up check of the web server in front (real servers, as root)', function () {
  this.timeout(60_000);

  let dataDir: string;

  before(() => {
    expect(process.getuid?.(), 'these tests need root: only then do the web servers run their workers as www-data').to.equal(0);
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sendoff-front-check-')); // drwx------ root:root
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The error `startApp` rejects with, checking that the refused start left nothing running. */
  async function refusedStart(options: Partial<StartAppOptions>): Promise<Error & { code?: string }> {
    const publicPort = await findFreePort('127.0.0.1');
    const before = await ownResources();
    const started = await startApp({
      port: publicPort,
      dataDir,
      log: () => undefined,
      ...options,
      env: { SENDOFF_APP_SECRET: TEST_SECRET, ...options.env },
    }).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (error: Error) => error,
    );
    if (started === undefined) expect.fail('startApp resolved: the unreadable DATA_DIR went unnoticed');
    expect(await ownResources()).to.deep.equal(before);
    const connection = await request(`http://127.0.0.1:${publicPort}/`).then(() => 'answered', (error: { code?: string }) => error.code);
    expect(connection, 'the public port after the refused start').to.equal('ECONNREFUSED');
    return started;
  }

  function expectCauseAndFix(error: Error & { code?: string }, server: string, status: number): void {
    expect(isSendoffError(error)).to.equal(true);
    expect(error.code).to.equal('DELIVERY_CHECK_FAILED');
    expect(error.message).to.match(new RegExp(`^${server} at http://127\\.0\\.0\\.1:\\d+ cannot deliver the app's files \\(GET /_sendoff/probe answered ${status}\\): `));
    expect(error.message).to.include(
      `${ROOT_WORKER_USER} cannot enter ${dataDir} (drwx------ root:root): chmod o+x ${dataDir}, or run the web server as a user that can read it`,
    );
  }

  for (const [name, status] of Object.entries(REFUSED_STATUS)) {
    it(`${name}: a DATA_DIR www-data cannot enter rejects startApp with the user, the directory and the fix; nothing is left running`, async () => {
      const error = await refusedStart({ profile: name });
      expectCauseAndFix(error, name === 'apache' ? 'Apache' : name, status);
    });
  }

  it('migrating with nginx for the local files: the same refusal, and the local S3 server it started is stopped too', async () => {
    const error = await refusedStart({ profile: 'migrating', env: { MIGRATING_LOCAL_DELIVERY: 'nginx' } });
    expectCauseAndFix(error, 'nginx', 403);
  });

  it('migrating with nginx and a readable DATA_DIR: starts, and nginx delivers the probe from local disk (xAccel)', async () => {
    await chmod(dataDir, 0o755);
    const app = await startApp({ port: 0, dataDir, profile: 'migrating', env: { SENDOFF_APP_SECRET: TEST_SECRET, MIGRATING_LOCAL_DELIVERY: 'nginx' }, log: () => undefined });
    try {
      const expectation = (await request(`${app.url}/_sendoff/probe?expect=1`)).json<{ sha256: string; size: number; strategy: string }>();
      expect(expectation.strategy).to.equal('xAccel');
      const probe = await request(`${app.url}/_sendoff/probe`);
      expect(probe.status).to.equal(200);
      expect(probe.headers['server']).to.match(/^nginx/);
      expect(probe.headers).to.not.have.property('x-accel-redirect');
      expect(probe.body.length).to.equal(expectation.size);
      expect(createHash('sha256').update(probe.body).digest('hex')).to.equal(expectation.sha256);
    } finally {
      await app.close();
    }
  });

  it('caddy never switches users: it reads the 0700 DATA_DIR as root, so the start succeeds and Caddy delivers the files', async () => {
    let app: RunningApp | undefined;
    try {
      app = await startApp({ port: 0, dataDir, profile: 'caddy', env: { SENDOFF_APP_SECRET: TEST_SECRET }, log: () => undefined });
      const alice = await signIn(app.url, 'alice');
      const file = await fileNamed(app.url, alice, 'hello world.txt');
      const response = await request(`${app.url}/api/files/${file.id}/download`, { token: alice });
      expect(response.status).to.equal(200);
      expect(response.headers['server']).to.equal('Caddy');
      expect(response.headers).to.not.have.property('x-accel-redirect');
      expect(response.body.equals(seeded('hello world.txt'))).to.equal(true);
    } finally {
      await app?.close();
    }
  });
});

function seeded(name: string): Buffer {
  const body = SEED_FILES.find((file) => file.name === name)?.body();
  if (!Buffer.isBuffer(body)) throw new Error(`no small seed file ${name}`);
  return body;
}
