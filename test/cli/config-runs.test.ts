/**
 * What `sendoff config <server>` prints is what runs: for each server, the real CLI generates the
 * config from a deployment module or from flags alone (`--root`), the real binary starts with exactly that text (through
 * `startWebServer`) in front of a backend app, and a download comes through it: the file's bytes,
 * 200, no delivery header, and the path the app hands to the server is not reachable directly.
 */
import { expect } from 'chai';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caddyAccel, xAccel, xSendfile } from '@sendoff/core';
import type { OffloadStrategy, ServerKind } from '@sendoff/core/servers';
import { ROOT_WORKER_USER, findFreePort, startWebServer, workerIds, type RunningWebServer, type WorkerIds } from '@sendoff-tools/web-servers';
import { startBackend, type Backend } from '../servers/backend.js';
import { createFixture, type Fixture } from '../servers/fixture.js';
import { fileUrl, get } from '../servers/http.js';
import { deliveryHeadersOf, planFor } from '../servers/plan-for.js';
import { runCli } from './support/run-cli.js';

const DEPLOYMENT = fileURLToPath(new URL('./fixtures/deployment.ts', import.meta.url));
const KEYS = ['plain.bin', 'with spaces/a file name.txt'];
const DELIVERY_HEADER = /^(x-accel-|x-sendfile|x-lighttpd-)/;

/** The strategy of the deployment module (test/cli/fixtures/deployment.ts) for `server`. */
function strategyFor(server: ServerKind, root: string): OffloadStrategy {
  if (server === 'nginx') return xAccel({ root, prefix: '/_protected/' });
  if (server === 'caddy') return caddyAccel({ root });
  return xSendfile({ server, root });
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The directories the CLI's hint says to create (`# create its directories first: mkdir -p ...`). */
function directoriesOf(stderr: string): string[] {
  const line = stderr.split('\n').find((text) => text.startsWith('# create its directories first: mkdir -p '));
  expect(line, `the CLI names the directories to create:\n${stderr}`).to.be.a('string');
  return (line as string).slice('# create its directories first: mkdir -p '.length).split(' ');
}

/** uid/gid of the worker user, to hand it the runtime directories as the docs say when root. */
async function workerUserIds(): Promise<WorkerIds> {
  return (await workerIds(ROOT_WORKER_USER)) ?? expect.fail(`no ${ROOT_WORKER_USER} user to run the workers as`);
}

/** The value the strategy puts in its delivery header for `key` (what the server acts on). */
async function deliveryTarget(strategy: OffloadStrategy, root: string, key: string): Promise<string> {
  const [value] = Object.values(deliveryHeadersOf(await planFor(strategy, root, key)));
  expect(value, 'the plan carries a delivery header').to.be.a('string');
  return value as string;
}

/** Where `sendoff config` takes the strategy from: the module (fixtures/deployment.ts) or the flags. */
type StrategySource = 'a deployment module' | 'flags alone';

/** The CLI arguments that describe the strategy for `server` over `root`, from `source`. */
function strategyArgs(source: StrategySource, root: string): { args: string[]; env: Record<string, string> } {
  if (source === 'flags alone') return { args: ['--root', root], env: {} };
  return { args: ['--config', DEPLOYMENT], env: { SENDOFF_TEST_ROOT: root } };
}

describe('sendoff config output runs as is in the real servers', function () {
  this.timeout(120_000);

  for (const [server, source] of (['nginx', 'apache', 'lighttpd', 'caddy'] as const).flatMap((kind) =>
    (['a deployment module', 'flags alone'] as const).map((from) => [kind, from] as const))) {
    describe(`${server}, from ${source}`, () => {
      let fixture: Fixture | undefined;
      let backend: Backend | undefined;
      let runtimeDir: string | undefined;
      let front: RunningWebServer | undefined;
      let url = '';

      before(async () => {
        fixture = await createFixture(KEYS);
        backend = await startBackend({ root: fixture.root, strategy: strategyFor(server, fixture.root) });
        runtimeDir = await mkdtemp(join(tmpdir(), `sendoff-config-${server}-`));
        const port = await findFreePort('127.0.0.1');
        const user = isRoot() ? ['--user', ROOT_WORKER_USER] : [];
        const strategy = strategyArgs(source, fixture.root);
        // Run from the runtime directory: no sendoff.config.* there, so the flags alone must do.
        const generated = await runCli(
          ['config', server, ...strategy.args, '--runtime-dir', runtimeDir, '--listen', `127.0.0.1:${port}`,
            '--upstream', `127.0.0.1:${backend.port}`, ...user],
          strategy.env,
          runtimeDir,
        );
        expect(generated.code, generated.stderr).to.equal(0);
        const ids = isRoot() ? await workerUserIds() : undefined;
        for (const dir of directoriesOf(generated.stderr)) {
          await mkdir(dir, { recursive: true, mode: 0o755 });
          await chmod(dir, 0o755);
          if (ids !== undefined) await chown(dir, ids.uid, ids.gid);
        }
        front = await startWebServer(server, generated.stdout, runtimeDir, { listen: { host: '127.0.0.1', port } });
        url = `http://127.0.0.1:${port}`;
      });
      after(async () => {
        await front?.stop();
        await backend?.stop();
        await fixture?.remove();
        if (runtimeDir !== undefined) await rm(runtimeDir, { recursive: true, force: true });
      });

      for (const key of KEYS) {
        it(`downloads ${JSON.stringify(key)} through the offload: 200, the file's bytes, no delivery header`, async () => {
          const response = await get(url, fileUrl(key));
          expect(response.status, front?.output()).to.equal(200);
          expect(response.body.equals(fixture?.byKey(key).body as Buffer)).to.equal(true);
          expect(response.headers['content-length']).to.equal(String(fixture?.byKey(key).body.length));
          expect(Object.keys(response.headers).filter((name) => DELIVERY_HEADER.test(name))).to.deep.equal([]);
          for (const value of Object.values(response.headers)) expect(value).to.not.include(fixture?.root as string);
          expect(backend?.decisions.at(-1)).to.deep.equal({ rule: 'offload', strategy: strategyFor(server, '/').name });
        });
      }

      it('the path handed to the server is not reachable directly', async () => {
        const target = await deliveryTarget(strategyFor(server, fixture?.root as string), fixture?.root as string, 'plain.bin');
        const path = target.startsWith('/') ? target : `/${target}`;
        const response = await get(url, path);
        expect(response.status, path).to.equal(404);
        expect(response.body.equals(fixture?.byKey('plain.bin').body as Buffer)).to.equal(false);
        expect(response.body.toString('latin1')).to.not.include(fixture?.root as string);
      });
    });
  }
});
