#!/usr/bin/env node
// The whole test suite: provisions the web servers and the browser it needs, typechecks, then runs
// every package's tests and the cross-package integration tests, and closes with one
// "N passed, N failed" line.
// The integration suite includes the consumer test (test/consumer/): it packs every package with
// `npm pack`, whose prepack builds dist/, so no separate build step runs here.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Debian packages the integration and browser tests need, with the file that proves each one is installed. */
const SYSTEM_PACKAGES = [
  { pkg: 'nginx', file: '/usr/sbin/nginx' },
  { pkg: 'apache2', file: '/usr/sbin/apache2' },
  { pkg: 'libapache2-mod-xsendfile', file: '/usr/lib/apache2/modules/mod_xsendfile.so' },
  { pkg: 'lighttpd', file: '/usr/sbin/lighttpd' },
  { pkg: 'caddy', file: '/usr/bin/caddy' },
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  // The CloudFront tests check every signature with `openssl dgst -sha1 -verify` as well.
  { pkg: 'openssl', file: '/usr/bin/openssl' },
  { pkg: 'redis-server', file: '/usr/bin/redis-server' },
  // Ceph's radosgw on a one-node cluster: the real S3 server the S3 suites run against besides s3rver.
  { pkg: 'ceph-mon', file: '/usr/bin/ceph-mon' },
  { pkg: 'ceph-osd', file: '/usr/bin/ceph-osd' },
  { pkg: 'radosgw', file: '/usr/bin/radosgw' },
  { pkg: 'ceph-common', file: '/usr/bin/ceph' },
];

/**
 * Test suites, run one after the other: a directory and its test files. Every suite shares the
 * root `.mocharc.json` (mocha finds it from any directory below); the files are named here, so
 * `npx mocha <file>` in a directory runs that file alone.
 */
const SUITES = [
  { dir: 'packages/core', spec: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
  { dir: 'packages/s3', spec: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
  { dir: 'packages/koa', spec: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
  { dir: 'packages/express', spec: ['test/**/*.test.ts'] },
  { dir: 'packages/fastify', spec: ['test/**/*.test.ts'] },
  { dir: 'packages/fetch', spec: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
  { dir: 'packages/inversify', spec: ['test/**/*.test.ts'] },
  { dir: 'packages/redis', spec: ['test/**/*.test.ts'] },
  { dir: 'packages/nestjs', spec: ['test/**/*.test.ts'] },
  { dir: 'packages/cli', spec: ['src/**/*.test.ts'] },
  { dir: 'packages/opentelemetry', spec: ['test/**/*.test.ts'] },
  { dir: 'tools/web-servers', spec: ['src/**/*.test.ts'] },
  { dir: 'tools/test-kit', spec: ['src/**/*.test.ts'] },
  { dir: 'examples/koa-app', spec: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
  { dir: 'bench', spec: ['lib/**/*.test.ts', 'direct-stream/**/*.test.ts', 'offload/**/*.test.ts', 's3-profile/**/*.test.ts'] },
  { dir: '.', spec: ['test/**/*.test.ts'] },
];

function missingPackages() {
  return SYSTEM_PACKAGES.filter(({ file }) => !existsSync(file)).map(({ pkg }) => pkg);
}

function provisionServers() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`sendoff tests need these Debian packages: ${missing.join(' ')}\n` +
      `install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`installing ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...missing]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed; install by hand: apt-get install -y ${missing.join(' ')}`);
      process.exit(1);
    }
  }
  const still = missingPackages();
  if (still.length > 0) {
    console.error(`still missing after apt-get: ${still.join(' ')}`);
    process.exit(1);
  }
}

function checkNodeModules() {
  if (!existsSync(join(root, 'node_modules', 'mocha'))) {
    console.error('npm dependencies are missing: run `npm install` (or `npm ci`) at the repository root first');
    process.exit(1);
  }
}

function run(command, args, cwd) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
    child.stderr.on('data', (chunk) => { output += chunk; process.stderr.write(chunk); });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function countOf(output, word) {
  const match = output.match(new RegExp(`(\\d+) ${word}`, 'g'));
  if (!match) return 0;
  return Number(match[match.length - 1].split(' ')[0]);
}

async function main() {
  checkNodeModules();
  provisionServers();
  const typecheck = await run('npm', ['run', '--silent', 'typecheck'], root);
  if (typecheck.code !== 0) {
    console.error('typecheck failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  let passed = 0;
  let failed = 0;
  for (const { dir, spec } of SUITES) {
    const cwd = join(root, dir);
    console.log(`\n=== ${dir === '.' ? 'integration (test/)' : dir} ===`);
    const mocha = join(root, 'node_modules', '.bin', 'mocha');
    const result = await run(mocha, ['--forbid-only', '--forbid-pending', '--reporter', 'dot', ...spec], cwd);
    const suitePassed = countOf(result.output, 'passing');
    const suiteFailed = countOf(result.output, 'failing') + countOf(result.output, 'pending');
    passed += suitePassed;
    failed += suiteFailed;
    if (result.code !== 0 && suiteFailed === 0) failed += 1; // crashed before reporting
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
