/**
 * The packages as a user gets them: every public workspace is packed (`npm pack`, whose prepack
 * builds dist/), checked by publint and attw, and installed from the tarballs into a fresh project
 * outside the repository (no tsx, no workspace links, no custom conditions). There, on Node 20, 22
 * and 24: plain node serves a file through createDelivery and each adapter (Koa, Express, Fastify,
 * node:http, and the fetch adapter under Hono), and through a Nest app (compiled by tsc with Nest's
 * decorator settings) on both Nest platforms; CommonJS requires the packages, the `sendoff` bin
 * runs, and tsc accepts the declarations under nodenext and bundler.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { portFrom, runProcess, stopChild, waitForAnnouncement, type ProcessResult } from '@sendoff-tools/test-kit';
import { createFixture, type Fixture } from '../servers/fixture.js';
import { get, type RawResponse } from '../servers/http.js';
import { createConsumerProject, type ConsumerProject } from './consumer-project.js';
import { nodeBinary } from './node-runtime.js';
import { packWorkspaces, REPO_ROOT, type PackedPackage } from './pack-workspaces.js';

const PUBLIC_PACKAGES = ['@sendoff/core', '@sendoff/s3', '@sendoff/koa', '@sendoff/express', '@sendoff/fastify', '@sendoff/fetch', '@sendoff/inversify', '@sendoff/redis', '@sendoff/nestjs', '@sendoff/cli', '@sendoff/opentelemetry'];
/** The scripts that serve the invoice through each adapter, from the installed tarballs. */
const SERVERS = [
  { adapter: 'the Koa adapter', script: 'serve.mjs' },
  { adapter: 'the Express adapter', script: 'serve-express.mjs' },
  { adapter: 'the Fastify plugin', script: 'serve-fastify.mjs' },
  { adapter: 'the node:http adapter of the core', script: 'serve-node.mjs' },
  { adapter: 'the fetch adapter under Hono on @hono/node-server', script: 'serve-fetch.mjs' },
];
const NEST_PLATFORMS = ['express', 'fastify'];
const NODE_MAJORS = [20, 22, 24];
/** What a tarball may hold besides dist/ (and, for the CLI, its bin). */
const PACKAGE_FILES = ['LICENSE', 'README.md', 'package.json'];
const INVOICE = 'invoices/2026/11/42.pdf';
/** The resolutions `attw --profile esm-only` does not count. */
const ESM_ONLY_IGNORES = ['node10', 'node16-cjs'];
const BIN = (dir: string) => join(dir, 'node_modules', '.bin');

describe('the packed packages, installed in a project outside the repository', function () {
  this.timeout(600_000);
  let packDir = '';
  let packs: PackedPackage[] = [];
  let project: ConsumerProject | undefined;

  before(async () => {
    packDir = await mkdtemp(join(tmpdir(), 'sendoff-packs-'));
    packs = await packWorkspaces(packDir);
    project = await createConsumerProject(packs);
  });
  after(async () => {
    await project?.remove();
    if (packDir !== '') await rm(packDir, { recursive: true, force: true });
  });

  /** The Nest app of the fixtures, compiled once by the project's tsc (tsconfig.nest.json) into nest-dist/. */
  let nestBuild: Promise<ProcessResult> | undefined;
  const buildNestApp = (): Promise<ProcessResult> => (nestBuild ??= runProcess(join(BIN(projectDir()), 'tsc'), ['-p', 'tsconfig.nest.json'], { cwd: projectDir() }));

  const packOf = (name: string): PackedPackage => packs.find((pack) => pack.name === name) ?? expect.fail(`${name} was not packed`);
  const projectDir = (): string => project?.dir ?? expect.fail('no consumer project');

  it('packs every public package, and only them', () => {
    expect(packs.map((pack) => pack.name)).to.deep.equal(PUBLIC_PACKAGES);
  });

  for (const name of PUBLIC_PACKAGES) {
    describe(name, () => {
      it('holds dist/ (JS, declarations, source maps), README and LICENSE; no sources, tests, fixtures or build info', () => {
        const { files } = packOf(name);
        const required = [...PACKAGE_FILES, 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map'];
        expect(required.filter((file) => !files.includes(file)), 'missing').to.deep.equal([]);
        const others = files.filter((file) => !PACKAGE_FILES.includes(file) && !file.startsWith('dist/') && !(name === '@sendoff/cli' && file.startsWith('bin/')));
        expect(others).to.deep.equal([]);
        expect(files.filter((file) => /\.test\.|\.fixture\.|\.tsbuildinfo$|\.ts$/.test(file) && !file.endsWith('.d.ts'))).to.deep.equal([]);
      });

      it('publint finds nothing to report', async () => {
        const result = await runProcess(join(BIN(REPO_ROOT), 'publint'), ['run', packOf(name).tarball, '--strict'], { cwd: REPO_ROOT });
        expect(result.code, result.stdout + result.stderr).to.equal(0);
        expect(result.stdout).to.contain('All good!');
      });

      it('attw --profile esm-only finds no problem', async () => {
        const result = await runProcess(join(BIN(REPO_ROOT), 'attw'), [packOf(name).tarball, '--profile', 'esm-only', '--format', 'json'], { cwd: REPO_ROOT });
        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const { problems } = JSON.parse(result.stdout) as { problems: Record<string, Array<{ resolutionKind?: string }>> };
        // The esm-only profile ignores node10 and require() from TypeScript's node16 CommonJS mode.
        const counted = Object.values(problems).flat().filter((problem) => !ESM_ONLY_IGNORES.includes(problem.resolutionKind ?? ''));
        expect(counted).to.deep.equal([]);
      });
    });
  }

  it('installs each @sendoff package once, from its tarball, with one copy of koa, express, fastify (besides those the Nest platforms pin), hono, inversify, ioredis, the S3 client, Nest and the OpenTelemetry API', async () => {
    const { packages } = await project!.lock();
    for (const name of PUBLIC_PACKAGES) {
      const resolved = packages[`node_modules/${name}`]?.resolved ?? '';
      expect(resolved, name).to.match(/^file:/);
      expect(resolve(projectDir(), resolved.slice('file:'.length)), name).to.equal(packOf(name).tarball);
    }
    const copies = (name: string) => Object.keys(packages).filter((path) => path.endsWith(`node_modules/${name}`));
    // Nest's Express and Fastify platforms pin their own framework copy; the app's copy is the one
    // @sendoff/express and @sendoff/fastify use.
    const appCopies = (name: string) => copies(name).filter((path) => !path.startsWith('node_modules/@nestjs/platform-'));
    for (const name of [...PUBLIC_PACKAGES, 'koa', 'express', 'fastify', 'hono', 'inversify', 'ioredis', '@aws-sdk/client-s3', '@nestjs/common', '@nestjs/core', '@opentelemetry/api']) expect(appCopies(name), name).to.deep.equal([`node_modules/${name}`]);
  });

  for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    it(`tsc --noEmit accepts the declarations (${config})`, async () => {
      const result = await runProcess(join(BIN(projectDir()), 'tsc'), ['-p', config], { cwd: projectDir() });
      expect(result.stdout + result.stderr).to.equal('');
      expect(result.code).to.equal(0);
    });
  }

  it('tsc compiles a Nest app using @sendoff/nestjs with the decorator settings Nest apps use', async () => {
    const result = await buildNestApp();
    expect(result.stdout + result.stderr).to.equal('');
    expect(result.code).to.equal(0);
  });

  for (const major of NODE_MAJORS) {
    describe(`on Node ${major}`, () => {
      let node = '';
      before(async () => {
        node = await nodeBinary(major);
      });

      /** Runs `args` with this Node first in PATH (so the bin's `#!/usr/bin/env node` finds it too). */
      const withNode = (command: string, args: string[], cwd = projectDir()): Promise<ProcessResult> =>
        runProcess(command, args, { cwd, env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` } });

      it(`runs a node ${major} binary`, async () => {
        const result = await withNode('node', ['--version']);
        expect(result.stdout).to.match(new RegExp(`^v${major}\\.`));
      });

      it('imports every entry point with plain node, and the imports add no process listener', async () => {
        const result = await withNode('node', ['imports.mjs']);
        expect(result.code, result.stderr).to.equal(0);
        const { exported, before, after } = JSON.parse(result.stdout) as { exported: Record<string, string>; before: object; after: object };
        expect(exported).to.deep.equal({
          '@sendoff/core': 'function',
          '@sendoff/core/http': 'function',
          '@sendoff/core/node': 'function',
          '@sendoff/core/servers': 'function',
          '@sendoff/core/testing': 'function',
          '@sendoff/s3': 'function',
          '@sendoff/s3/local': 'function',
          '@sendoff/koa': 'function',
          '@sendoff/express': 'function',
          '@sendoff/fastify': 'function',
          '@sendoff/fetch': 'function',
          '@sendoff/inversify': 'function',
          '@sendoff/redis': 'function',
          '@sendoff/nestjs': 'function',
          '@sendoff/cli': 'function',
          '@sendoff/opentelemetry': 'function',
        });
        expect(after).to.deep.equal(before);
      });

      for (const { adapter, script } of SERVERS) {
        describe(`serves a file through createDelivery and ${adapter}`, () => {
          const served = serveInvoice(() => node, projectDir, (root) => [script, root]);

          it('a Range request: 206 with exactly those bytes', async () => {
            const response = await expectInvoiceRange(served.url(), served.body());
            expect(response.headers['x-content-type-options']).to.equal('nosniff');
          });

          it('the whole file: 200 with its bytes', async () => {
            const body = served.body();
            const response = await get(served.url(), '/');
            expect(response.status).to.equal(200);
            expect(response.headers['content-length']).to.equal(String(body.length));
            expect(response.body.equals(body)).to.equal(true);
          });
        });
      }

      for (const platform of NEST_PLATFORMS) {
        describe(`serves a file through @sendoff/nestjs on Nest's ${platform} platform`, () => {
          before(async () => {
            const build = await buildNestApp();
            expect(build.code, build.stdout + build.stderr).to.equal(0);
          });
          const served = serveInvoice(() => node, projectDir, (root) => [join('nest-dist', 'serve-nest.js'), root, platform]);

          it('a Range request: 206 with exactly those bytes', async () => {
            await expectInvoiceRange(served.url(), served.body());
          });

          it('a range past the end: 416 with Content-Range bytes */size', async () => {
            const body = served.body();
            const response = await get(served.url(), '/', { range: `bytes=${body.length}-` });
            expect(response.status).to.equal(416);
            expect(response.headers['content-range']).to.equal(`bytes */${body.length}`);
          });
        });
      }

      it('require() from CommonJS loads the packages', async () => {
        const result = await withNode('node', ['require.cjs']);
        expect(result.code, result.stderr).to.equal(0);
        expect(JSON.parse(result.stdout)).to.deep.equal({
          '@sendoff/core': 'function',
          '@sendoff/koa': 'function',
          '@sendoff/express': 'function',
          '@sendoff/fastify': 'function',
          '@sendoff/fetch': 'function',
          '@sendoff/s3': 'function',
          '@sendoff/inversify': 'function',
          '@sendoff/redis': 'function',
          '@sendoff/nestjs': 'function',
          '@sendoff/cli': 'function',
          '@sendoff/opentelemetry': 'function',
        });
      });

      it('the sendoff bin answers --help', async () => {
        const result = await withNode(join(BIN(projectDir()), 'sendoff'), ['--help']);
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stdout).to.match(/^usage: sendoff <command> \[options\]\n/);
        expect(result.stdout).to.contain('config ');
      });

      it('sendoff config nginx works from flags alone', async () => {
        const result = await withNode(join(BIN(projectDir()), 'sendoff'), ['config', 'nginx', '--root', 'files', '--runtime-dir', 'run']);
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stdout).to.match(new RegExp(`location \\^~ /_protected/ \\{\\n\\s+internal;\\n\\s+alias "${projectDir()}/files/";`));
        expect(result.stdout).to.contain('proxy_pass http://127.0.0.1:3000;');
      });

      it('sendoff config reads a deployment module written in TypeScript', async () => {
        const result = await withNode(join(BIN(projectDir()), 'sendoff'), ['config', 'nginx', '--runtime-dir', 'run'], join(projectDir(), 'deploy'));
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stdout).to.match(/location \^~ \/downloads\/ \{\n\s+internal;\n\s+alias "\/srv\/app\/files\/";/);
        expect(result.stdout).to.contain('listen 127.0.0.1:8443;');
      });
    });
  }
});

/**
 * Hooks of the enclosing describe: before its tests, a fixture holding the invoice and the
 * project's `node` running `args(root)` from the project directory until it announces its port;
 * after them, both stopped.
 */
function serveInvoice(node: () => string, cwd: () => string, args: (root: string) => string[]): { url: () => string; body: () => Buffer } {
  let fixture: Fixture | undefined;
  let server: ChildProcess | undefined;
  let url = '';
  before(async () => {
    fixture = await createFixture([INVOICE]);
    server = spawn(node(), args(fixture.root), { cwd: cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await waitForAnnouncement(server, { read: portFrom, what: 'port', timeoutMs: 30_000 });
    url = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    if (server !== undefined) await stopChild(server);
    await fixture?.remove();
  });
  return { url: () => url, body: () => (fixture ?? expect.fail('no fixture')).byKey(INVOICE).body };
}

/** `Range: bytes=100-199` of the invoice at `url`: 206 with exactly those bytes and its name. */
async function expectInvoiceRange(url: string, body: Buffer): Promise<RawResponse> {
  const response = await get(url, '/', { range: 'bytes=100-199' });
  expect(response.status).to.equal(206);
  expect(response.headers['content-range']).to.equal(`bytes 100-199/${body.length}`);
  expect(response.headers['content-length']).to.equal('100');
  expect(response.body.equals(body.subarray(100, 200))).to.equal(true);
  expect(response.headers['content-disposition']).to.equal('attachment; filename="Invoice 42.pdf"');
  return response;
}
