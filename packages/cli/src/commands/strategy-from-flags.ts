/**
 * The offload strategy `sendoff config` builds from its flags when there is no deployment module:
 * `--root DIR` for every server, `--prefix PATH` for nginx's internal location. The strategies are
 * the ones an app would construct, so their own checks (absolute root, prefix shape) apply.
 */
import { resolve } from 'node:path';
import { caddyAccel, xAccel, xSendfile } from '@sendoff/core';
import { DEFAULT_INTERNAL_PREFIX, type OffloadStrategy, type ServerKind } from '@sendoff/core/servers';
import { UsageError } from '../io.js';

export interface StrategyFlags {
  root?: string | undefined;
  prefix?: string | undefined;
}

/** Whether the flags describe the strategy (then no deployment module is read). */
export function hasStrategyFlags(flags: StrategyFlags): boolean {
  return flags.root !== undefined || flags.prefix !== undefined;
}

/** The strategy for `server` from `--root` (resolved against `cwd`) and `--prefix`. */
export function strategyFromFlags(server: ServerKind, flags: StrategyFlags, cwd = process.cwd()): OffloadStrategy {
  if (flags.root === undefined) throw new UsageError('--prefix needs --root');
  if (flags.prefix !== undefined && server !== 'nginx') {
    throw new UsageError(`--prefix applies to nginx only (${server} serves the file by its path under --root)`);
  }
  const root = resolve(cwd, flags.root);
  if (server === 'nginx') return xAccel({ root, prefix: flags.prefix ?? DEFAULT_INTERNAL_PREFIX });
  if (server === 'caddy') return caddyAccel({ root });
  return xSendfile({ server, root });
}
