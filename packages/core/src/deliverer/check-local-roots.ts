/**
 * Start-up check of the offload roots: a strategy that hands local files to a web server serves
 * only what lies under its `root`. When that root holds none of the storage's `localRoots`, the
 * strategy can never serve a file, and the policy would quietly pass every download on to another
 * strategy (only `explain()` would show it). Such a deployment is refused.
 *
 * Paths are compared as real paths (symlinks resolved). A root that does not exist yet is resolved
 * as far as it exists and compared as written below that, so a deployment may be built before
 * its directories are.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { DeliveryStrategy, Storage } from '../contracts.js';
import { configInvalid } from '../errors/sendoff-error.js';
import { asList } from '../policy/conditions.js';
import type { PolicyConfig } from '../policy/types.js';

/** Throws CONFIG_INVALID naming every strategy in use whose root holds none of the storage's local roots. */
export function checkLocalRoots(storage: Storage, strategies: readonly DeliveryStrategy[], policy: PolicyConfig, environment: string): void {
  const storageRoots = storage.localRoots ?? [];
  if (storageRoots.length === 0) return;
  const realStorageRoots = storageRoots.map(realPathSoFar);
  const problems = strategiesInUse(policy, strategies, environment).flatMap((strategy) => {
    if (strategy.root === undefined || !strategy.locationKinds.includes('local')) return [];
    const root = realPathSoFar(strategy.root);
    return realStorageRoots.some((storageRoot) => contains(root, storageRoot)) ? [] : [mismatch(strategy, root, storageRoots)];
  });
  if (problems.length > 0) throw configInvalid(problems.join('\n'));
}

/**
 * The strategies the policy can pick in this environment: those of its active rules and the
 * fallback. Rules for other environments belong to other deployments, with their own storage.
 */
function strategiesInUse(policy: PolicyConfig, strategies: readonly DeliveryStrategy[], environment: string): DeliveryStrategy[] {
  const names = new Set(policy.rules.filter((rule) => rule.environment === undefined || asList(rule.environment).includes(environment)).map((rule) => rule.use));
  names.add(policy.fallback);
  return strategies.filter((strategy) => names.has(strategy.name));
}

function mismatch(strategy: DeliveryStrategy, realRoot: string, storageRoots: readonly string[]): string {
  const configured = path.resolve(strategy.root as string);
  const shown = realRoot === configured ? configured : `${configured} (real path ${realRoot})`;
  return (
    `strategy "${strategy.name}" serves files under ${shown}, which holds none of the storage's local files (${storageRoots.join(', ')}): ` +
    'it could never deliver one, and every download would quietly go to another strategy. ' +
    "Give the strategy the storage's root (or a directory above it), and the web server the same directory"
  );
}

/** Whether `dir` is `parent` or lies below it (both absolute, normalised). */
function contains(parent: string, dir: string): boolean {
  const relative = path.relative(parent, dir);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** The real path of `dir`: its longest existing ancestor resolved, the missing rest appended as written. */
function realPathSoFar(dir: string): string {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(dir);
      missing.unshift(path.basename(current));
      current = parent;
    }
  }
}
