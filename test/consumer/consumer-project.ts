/**
 * A fresh project outside the repository that installs the packed tarballs the way an application
 * installs them from the registry (no tsx, no workspace links), with the libraries an app owns
 * (koa, express, fastify, hono and its Node server, inversify, ioredis, the S3 client, NestJS, the
 * OpenTelemetry API) and the TypeScript toolchain, at the versions the repository uses.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, type PackedPackage } from './pack-workspaces.js';
import { runOrFail } from '@sendoff-tools/test-kit';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The app's own libraries, and where the repository states the version it tests. */
const APP_LIBRARIES = {
  dependencies: {
    koa: 'package.json',
    express: 'packages/express/package.json',
    fastify: 'packages/fastify/package.json',
    hono: 'packages/fetch/package.json',
    '@hono/node-server': 'packages/fetch/package.json',
    inversify: 'packages/inversify/package.json',
    ioredis: 'packages/redis/package.json',
    '@aws-sdk/client-s3': 'packages/s3/package.json',
    '@nestjs/common': 'packages/nestjs/package.json',
    '@nestjs/core': 'packages/nestjs/package.json',
    '@nestjs/platform-express': 'packages/nestjs/package.json',
    '@nestjs/platform-fastify': 'packages/nestjs/package.json',
    'reflect-metadata': 'packages/nestjs/package.json',
    rxjs: 'packages/nestjs/package.json',
    '@opentelemetry/api': 'packages/opentelemetry/package.json',
  },
  devDependencies: { typescript: 'package.json', '@types/koa': 'package.json', '@types/express': 'packages/express/package.json', '@types/node': 'package.json' },
} as const;

export interface ConsumerProject {
  dir: string;
  /** package-lock.json of the install. */
  lock(): Promise<{ packages: Record<string, { version?: string; resolved?: string }> }>;
  remove(): Promise<void>;
}

export async function createConsumerProject(packs: readonly PackedPackage[]): Promise<ConsumerProject> {
  const dir = await mkdtemp(join(tmpdir(), 'sendoff-consumer-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await cp(FIXTURES, dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify(await manifest(packs), null, 2));
    await runOrFail('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    dir,
    lock: async () => JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')),
    remove,
  };
}

async function manifest(packs: readonly PackedPackage[]): Promise<Record<string, unknown>> {
  const sendoff = Object.fromEntries(packs.map((pack) => [pack.name, `file:${pack.tarball}`]));
  return {
    name: 'sendoff-consumer',
    private: true,
    type: 'module',
    dependencies: { ...sendoff, ...(await versionsOf(APP_LIBRARIES.dependencies)) },
    devDependencies: await versionsOf(APP_LIBRARIES.devDependencies),
  };
}

/** The version range the repository states for each library, read from the manifest named. */
async function versionsOf(libraries: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const entries = await Promise.all(Object.entries(libraries).map(async ([name, file]) => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, file), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const range = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name] ?? manifest.peerDependencies?.[name];
    if (range === undefined) throw new Error(`${file} states no version of ${name}`);
    return [name, range] as const;
  }));
  return Object.fromEntries(entries);
}
