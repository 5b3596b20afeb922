/**
 * Loads a deployment module (`sendoff.config.ts` / `.mts` / `.js` / `.mjs`) and picks from it what
 * the CLI needs. The module default-exports the deployment config the app itself uses:
 * `{ environment, storage, strategies, policy, server?: { listen, upstream, runtimeDir, maxBodyBytes } }`.
 * TypeScript modules go through tsx's ESM API, so a `.ts` module loads whether or not the nearest
 * package.json says `"type": "module"` (or there is none).
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { DeliveryStrategy } from '@sendoff/core';
import { UsageError } from '../io.js';

/** The parts of a deployment config the CLI reads. */
export interface DeploymentModule {
  environment?: string;
  strategies: readonly DeliveryStrategy[] | Readonly<Record<string, DeliveryStrategy>>;
  server?: {
    listen?: unknown;
    upstream?: unknown;
    runtimeDir?: string;
    maxBodyBytes?: number;
  };
  [other: string]: unknown;
}

/** The module files looked for in the working directory when `--config` is not given. */
export const DEFAULT_MODULES = ['sendoff.config.ts', 'sendoff.config.mts', 'sendoff.config.js', 'sendoff.config.mjs'];

/** Extensions loaded through tsx. */
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Imports the module at `path` (or the first default one in `cwd`) and checks its shape. */
export async function loadDeployment(path: string | undefined, cwd = process.cwd()): Promise<DeploymentModule> {
  const file = moduleFile(path, cwd);
  let loaded: { default?: unknown };
  try {
    loaded = await importModule(file);
  } catch (error) {
    throw new UsageError(`cannot load deployment module ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const config = defaultExportOf(loaded);
  if (!isDeployment(config)) {
    throw new UsageError(`deployment module ${file} must default-export a deployment config with \`strategies\``);
  }
  return config;
}

/** The strategies of the deployment, as a list. */
export function strategiesOf(deployment: DeploymentModule): DeliveryStrategy[] {
  const { strategies } = deployment;
  return Array.isArray(strategies) ? [...strategies] : Object.values(strategies);
}

async function importModule(file: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(file).href;
  if (isTypeScript(file)) return (await tsImport(url, import.meta.url)) as { default?: unknown };
  return (await import(url)) as { default?: unknown };
}

function isTypeScript(file: string): boolean {
  return TYPESCRIPT_EXTENSIONS.has(extname(file).toLowerCase());
}

/**
 * The module's default export. A `.ts` module outside an ESM package is compiled to CommonJS, so
 * its `export default` arrives as `module.exports.default` under the namespace's `default`.
 */
function defaultExportOf(loaded: { default?: unknown }): unknown {
  const value = loaded.default;
  if (isDeployment(value) || typeof value !== 'object' || value === null) return value;
  const inner = value as { __esModule?: unknown; default?: unknown };
  return inner.__esModule === true ? inner.default : value;
}

/** The first of the default module files present in `cwd`, if any. */
export function findDefaultModule(cwd: string): string | undefined {
  return DEFAULT_MODULES.map((name) => resolve(cwd, name)).find((file) => existsSync(file));
}

function moduleFile(path: string | undefined, cwd: string): string {
  if (path !== undefined) {
    const file = resolve(cwd, path);
    if (!existsSync(file)) throw new UsageError(`deployment module not found: ${path}`);
    return file;
  }
  const found = findDefaultModule(cwd);
  if (found === undefined) throw new UsageError(`no deployment module: pass --config <file> or create ${DEFAULT_MODULES[0]}`);
  return found;
}

function isDeployment(value: unknown): value is DeploymentModule {
  if (typeof value !== 'object' || value === null) return false;
  const strategies = (value as { strategies?: unknown }).strategies;
  return typeof strategies === 'object' && strategies !== null;
}
