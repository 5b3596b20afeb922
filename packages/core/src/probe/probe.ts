/**
 * The probe `sendoff doctor` checks a running deployment with. At start-up the app stores a small
 * file of fresh random bytes under a fixed key and exposes one route, framework-free here:
 *
 * - `GET <path>?expect=1` is answered by the app itself with the probe's expectation as JSON
 *   (key, size, sha256). It must not go through the offload: web servers drop custom headers after
 *   the handoff, so the digest travels in a body the app writes.
 * - `GET <path>` delivers the probe key through the deployment's normal Deliverer, i.e. through
 *   the offload strategy and the web server.
 *
 * The doctor compares the delivered bytes with the expectation. Given `strategyFor`, the
 * expectation also names the strategy the app's Deliverer picks for the probe, so the doctor can
 * tell an app that streams the file itself (directStream) behind a web server that never offloads.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Key, Storage } from '../contracts.js';
import { validateKey } from '../keys/validate-key.js';

/** The public route the doctor fetches by default. */
export const PROBE_PATH = '/_sendoff/probe';
/** Keys under this prefix are sendoff's own (the probe), written fresh by each start, never migrated. */
export const RESERVED_KEY_PREFIX = '_sendoff/';
/** The storage key the probe file is stored under by default. */
export const PROBE_KEY = `${RESERVED_KEY_PREFIX}probe.bin`;
/** The query parameter that asks for the expectation instead of the file. */
export const PROBE_EXPECT_PARAM = 'expect';
export const PROBE_CONTENT_TYPE = 'application/octet-stream';

/** What the app answers to `GET <path>?expect=1`. */
export interface ProbeExpectation {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
  /** The strategy the app's Deliverer chooses for the probe (when the app says, see `strategyFor`). */
  strategy?: string;
}

/** What a request to the probe route asks for. */
export type ProbeAnswer = 'expectation' | 'file';

export interface Probe {
  /** The public route (starts with `/`). */
  readonly path: string;
  /** The key to deliver for `GET <path>`. */
  readonly key: Key;
  /** The file's expectation (without `strategy`). */
  readonly expectation: ProbeExpectation;
  /** What `GET <path>?expect=1` answers: the expectation, with `strategy` when `strategyFor` gives one. */
  describe(): Promise<ProbeExpectation>;
  /** Which answer a request calls for, or undefined when it is not a probe request. */
  answerFor(method: string, url: string): ProbeAnswer | undefined;
}

export interface InstallProbeOptions {
  path?: string;
  key?: string;
  /** Size of the random probe file in bytes (default 4096, at least 2 so a range check means something). */
  size?: number;
  /**
   * The name of the strategy the app delivers `key` with, asked at each `describe()`; e.g.
   * `async (key) => (await deliverer.explain({ method: 'GET', headers: {} }, { key })).decision?.strategy`.
   */
  strategyFor?: (key: Key) => string | undefined | Promise<string | undefined>;
}

/** Stores a fresh probe file in `storage` and describes the probe route. */
export async function installProbe(storage: Storage, options: InstallProbeOptions = {}): Promise<Probe> {
  const key = validateKey(options.key ?? PROBE_KEY);
  const path = options.path ?? PROBE_PATH;
  const bytes = randomBytes(Math.max(2, options.size ?? 4096));
  await storage.put(key, bytes, { contentType: PROBE_CONTENT_TYPE, size: bytes.length });
  const expectation: ProbeExpectation = {
    key,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentType: PROBE_CONTENT_TYPE,
  };
  return {
    path,
    key,
    expectation,
    describe: () => describeProbe(expectation, key, options.strategyFor),
    answerFor: (method, url) => probeAnswerFor(path, method, url),
  };
}

async function describeProbe(expectation: ProbeExpectation, key: Key, strategyFor: InstallProbeOptions['strategyFor']): Promise<ProbeExpectation> {
  const strategy = strategyFor === undefined ? undefined : await strategyFor(key);
  return strategy === undefined ? { ...expectation } : { ...expectation, strategy };
}

function probeAnswerFor(path: string, method: string, url: string): ProbeAnswer | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const parsed = new URL(url, 'http://probe.invalid');
  if (parsed.pathname !== path) return undefined;
  return isExpectationQuery(parsed.searchParams) ? 'expectation' : 'file';
}

function isExpectationQuery(params: URLSearchParams): boolean {
  return params.has(PROBE_EXPECT_PARAM);
}
