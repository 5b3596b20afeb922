/**
 * The root an offload strategy serves from, as configured (what the web server sees) and as a
 * real path (what a file's location is compared against). The real path is resolved once, lazily,
 * so a strategy can be built before its directory exists.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ResolvedFile } from '../contracts.js';
import { configInvalid } from '../errors/index.js';

export class LocalRoot {
  /** The root exactly as the web server config names it (absolute, normalised). */
  readonly configured: string;
  #real: string | undefined;

  constructor(root: string, owner: string) {
    if (typeof root !== 'string' || !isAbsolute(root)) {
      throw configInvalid(`${owner}: root must be an absolute path`);
    }
    this.configured = resolve(root);
  }

  /** The root with symlinks resolved, or undefined while it does not exist. */
  real(): string | undefined {
    if (this.#real === undefined) {
      try {
        this.#real = realpathSync(this.configured);
      } catch {
        return undefined;
      }
    }
    return this.#real;
  }

  /** Whether the file is a local file strictly under this root. */
  contains(file: ResolvedFile): boolean {
    return this.segmentsOf(file) !== undefined;
  }

  /** The file's path below the root as segments, or undefined when it is not under the root. */
  segmentsOf(file: ResolvedFile): string[] | undefined {
    const location = file.location;
    if (location.kind !== 'local') return undefined;
    const root = this.real();
    if (root === undefined) return undefined;
    const rel = relative(root, location.path);
    if (rel === '' || isAbsolute(rel)) return undefined;
    const segments = rel.split(sep);
    if (segments.some((segment) => segment === '..' || segment === '.' || segment === '')) return undefined;
    return segments;
  }

  /** The configured root's own segments (for servers that want an absolute path). */
  ownSegments(): string[] {
    return this.configured.split(sep).filter((segment) => segment !== '');
  }
}
