/**
 * The root an offload strategy serves from, as configured (what the web server sees) and as a
 * real path (what a file's location is compared against). The real path is resolved once, lazily,
 * so a strategy can be built before its directory exists.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ResolvedFile } from '../contracts.js';
import { configInvalid } from '../errors/sendoff-error.js';

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

  /** The file's path below the root as segments, or undefined when it is not under the root. */
  segmentsOf(file: ResolvedFile): string[] | undefined {
    const location = file.location;
    if (location.kind !== 'local') return undefined;
    const root = this.real();
    if (root === undefined) return undefined;
    return directSegmentsBelow(root, location.path) ?? segmentsBelow(root, location.path);
  }

  /**
   * `compute` of the file's segments below the root (undefined when the file is not under it),
   * remembering the answer for the last path asked: a strategy's `canServe` and `plan` ask about the
   * same file in one request. The answer depends on the path alone once the real root is known.
   */
  derive<T>(compute: (segments: readonly string[]) => T | undefined): (file: ResolvedFile) => T | undefined {
    let lastPath: string | undefined;
    let lastValue: T | undefined;
    return (file) => {
      const location = file.location;
      if (location.kind === 'local' && location.path === lastPath) return lastValue;
      const segments = this.segmentsOf(file);
      const value = segments === undefined ? undefined : compute(segments);
      if (location.kind === 'local' && this.#real !== undefined) {
        lastPath = location.path;
        lastValue = value;
      }
      return value;
    };
  }

  /** The configured root's own segments (for servers that want an absolute path). */
  ownSegments(): string[] {
    return this.configured.split(sep).filter((segment) => segment !== '');
  }
}

/**
 * The segments of a normalised path that starts with the root and a separator: a prefix test and a
 * split. Undefined when that does not apply (another prefix, or a `.`, `..` or empty segment that
 * `segmentsBelow` must judge after normalising).
 */
function directSegmentsBelow(root: string, file: string): string[] | undefined {
  const base = root.endsWith(sep) ? root : root + sep;
  if (!file.startsWith(base)) return undefined;
  const segments = file.slice(base.length).split(sep);
  return segments.every(isPlainSegment) ? segments : undefined;
}

/** The segments of `file` relative to `root`, or undefined when it is not strictly under it. */
function segmentsBelow(root: string, file: string): string[] | undefined {
  const rel = relative(root, file);
  if (rel === '' || isAbsolute(rel)) return undefined;
  const segments = rel.split(sep);
  return segments.every(isPlainSegment) ? segments : undefined;
}

function isPlainSegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..';
}
