/**
 * The facts of one file for one request: what the app recorded, completed from the storage only
 * when something reads a fact the app did not give. The lookup runs at most once per request.
 *
 * Until then `stat` is a view whose getters answer the recorded facts and throw `FactPending` for
 * the others: the Deliverer runs the synchronous policy (its conditions, a custom `when`, a
 * strategy's `canServe`) and, on `FactPending`, looks the file up and runs it again (see
 * `withFacts`). Once looked up, `stat` is a plain FileStat: the storage's facts, the recorded ones
 * in their place (the app's word wins).
 */
import type { FileFact, FileStat } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import type { FactSource, RecordedFacts } from './types.js';

export const ALL_FACTS: readonly FileFact[] = ['size', 'mtime', 'etag', 'contentType'];

/** A fact was read before the storage was asked for it. Escaping the Deliverer, it is a 500. */
export class FactPending extends SendoffError {
  constructor(readonly fact: FileFact) {
    super('CONFIG_INVALID', `file.stat.${fact} was read before it was looked up (a strategy must list the facts it reads in \`reads\`)`, { expose: false });
  }
}

export interface FileFacts {
  /** The file's stat as far as known; reading a fact that is not throws FactPending. */
  readonly stat: FileStat;
  /** The size known so far (recorded or looked up), without a lookup. */
  readonly knownSize: number | undefined;
  /** Looks the file up (once) unless every fact in `facts` is known. */
  ensure(facts: readonly FileFact[]): Promise<void>;
  /** Where each fact came from so far. */
  sources(): Record<FileFact, FactSource>;
}

/** `recorded` undefined: the app recorded nothing, every fact comes from `lookup`. */
export function fileFacts(recorded: RecordedFacts | undefined, lookup: () => Promise<FileStat>): FileFacts {
  return new Facts(recorded === undefined ? NOTHING_RECORDED : definedFacts(recorded), lookup);
}

/** A class rather than a closure-built object: one is made per download. */
class Facts implements FileFacts {
  #looked: FileStat | undefined;
  #pending: Promise<void> | undefined;
  readonly #view: FileStat;

  constructor(
    private readonly given: RecordedFacts,
    private readonly lookup: () => Promise<FileStat>,
  ) {
    this.#view = given === NOTHING_RECORDED ? NOTHING_KNOWN : lazyStat(given);
  }

  get stat(): FileStat {
    return this.#looked ?? this.#view;
  }

  get knownSize(): number | undefined {
    return this.#looked?.size ?? this.given.size;
  }

  ensure(facts: readonly FileFact[]): Promise<void> {
    if (this.#looked !== undefined || facts.every((fact) => this.isRecorded(fact))) return DONE;
    this.#pending ??= this.lookup().then((stat) => {
      this.#looked = { ...stat, ...this.given };
    });
    return this.#pending;
  }

  sources(): Record<FileFact, FactSource> {
    const sourceOf = (fact: FileFact): FactSource => (this.isRecorded(fact) ? 'app' : this.#looked ? 'storage' : 'not needed');
    return Object.fromEntries(ALL_FACTS.map((fact) => [fact, sourceOf(fact)])) as Record<FileFact, FactSource>;
  }

  private isRecorded(fact: FileFact): boolean {
    return Object.hasOwn(this.given, fact);
  }
}

const DONE: Promise<void> = Promise.resolve();

/**
 * Runs `read` (synchronous: the policy, the option defaults) over the facts known so far; when it
 * reads one that is not, looks the file up and runs it again.
 */
export async function withFacts<T>(facts: FileFacts, read: () => T): Promise<T> {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof FactPending)) throw error;
    await facts.ensure(ALL_FACTS);
    return read();
  }
}

const NOTHING_RECORDED: RecordedFacts = Object.freeze({});
/** The view when the app recorded nothing: every fact is pending (shared, as it holds nothing). */
const NOTHING_KNOWN: FileStat = lazyStat(NOTHING_RECORDED);

function lazyStat(given: RecordedFacts): FileStat {
  const view = {};
  const isRecorded = (fact: FileFact) => Object.hasOwn(given, fact);
  for (const fact of ALL_FACTS) {
    Object.defineProperty(view, fact, {
      enumerable: isRecorded(fact),
      get() {
        if (!isRecorded(fact)) throw new FactPending(fact);
        return given[fact];
      },
    });
  }
  return Object.freeze(view) as FileStat;
}

/** The facts the app gave a value for (an `undefined` one is not given). */
function definedFacts(recorded: RecordedFacts): RecordedFacts {
  return Object.fromEntries(Object.entries(recorded).filter(([, value]) => value !== undefined)) as RecordedFacts;
}
