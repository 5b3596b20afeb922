/**
 * The per-request policy: an ordered list of rules, each naming a strategy and the conditions
 * under which it should deliver. The first rule whose conditions hold and whose strategy can serve
 * the file wins; otherwise the fallback.
 */
import type { DeliveryRequest, DeliveryStrategy, LocationKind, ResolvedFile } from '../contracts.js';
import type { TrafficFacts, TrafficVerdict } from '../traffic/types.js';

/** What a rule looks at. */
export interface PolicyContext {
  environment: string;
  request: DeliveryRequest;
  file: ResolvedFile;
  /** Direct streams in flight in this process right now. */
  inFlight: number;
  /** The content type the download will carry; defaults to `file.stat.contentType`. */
  contentType?: string;
  /** Traffic of this process and of the fleet (the Deliverer fills it in); unset: `inFlight` alone. */
  traffic?: TrafficFacts;
}

/** Whose traffic a condition reads: this process's, or every process's sharing the fleet source. */
export type TrafficScope = 'process' | 'fleet';

/** A rate condition: holds while the rate of `scope` is above `above`. */
export interface TrafficThreshold {
  above: number;
  scope: TrafficScope;
}

export interface RuleConditions {
  /** Only in these environments (e.g. `production`). */
  environment?: string | string[];
  /** Only for files at these location kinds. */
  location?: LocationKind | LocationKind[];
  /** Only for files of at least this many bytes. */
  minSize?: number;
  /** Only for files of at most this many bytes. */
  maxSize?: number;
  /** Only for these content types; globs such as `video/*` or `*\/*` are allowed. */
  contentType?: string | string[];
  /** Only for these request methods (case-insensitive). */
  method?: string | string[];
  /** `true`: only requests with a Range header; `false`: only requests without one. */
  range?: boolean;
  /** Only while fewer than this many direct streams are in flight. */
  maxInFlight?: number;
  /** Only while at least this many direct streams are in flight. */
  minInFlight?: number;
  /**
   * Only while more than this many direct streams are in flight in the whole fleet (every process
   * sharing the Deliverer's `traffic` source; this process alone when there is none).
   */
  fleetStreamsAbove?: number;
  /** Only while more than this many downloads per second were planned (a number: this process). */
  downloadsPerSecondAbove?: number | TrafficThreshold;
  /** Only while more than this many bytes per second were planned (a number: this process). */
  bytesPerSecondAbove?: number | TrafficThreshold;
  /** A custom predicate, evaluated last. */
  when?: (ctx: PolicyContext) => boolean;
}

export interface PolicyRule extends RuleConditions {
  /** Shown in decisions and explanations; defaults to `rule N` (1-based). */
  name?: string;
  /** The name of the strategy this rule picks. */
  use: string;
}

export interface PolicyConfig {
  rules: PolicyRule[];
  /** The strategy used when no rule applies; it must serve every location kind of the storage. */
  fallback: string;
}

export interface Decision {
  strategy: DeliveryStrategy;
  /** The name of the rule that won, or `fallback`. */
  rule: string;
  /** Why that rule won (its conditions, as text). */
  reasons: string[];
  /** When a rule reads fleet traffic: where the numbers came from, and whether it fell back to this process's. */
  traffic?: TrafficVerdict;
}

/** A decision as plain data, for logs and explanations. */
export interface DecisionSummary {
  rule: string;
  strategy: string;
  reasons: string[];
  /** When a rule reads fleet traffic: where the numbers came from, and whether it fell back to this process's. */
  traffic?: TrafficVerdict;
}

/** How one rule (or the fallback) fared for a request. */
export interface RuleExplanation {
  /** The rule name, or `fallback`. */
  rule: string;
  /** 0-based index in `rules`; -1 for the fallback. */
  index: number;
  use: string;
  /** Whether every condition holds. */
  conditionsHold: boolean;
  /** Whether the strategy can serve the file. */
  canServe: boolean;
  chosen: boolean;
  /** One line per condition, then one for the strategy when it cannot serve the file. */
  reasons: string[];
}

export interface Explanation {
  environment: string;
  inFlight: number;
  /** When a rule reads fleet traffic: where the numbers came from, and whether it fell back to this process's. */
  traffic?: TrafficVerdict;
  /** The decision, or undefined when no strategy can serve the file (see `error`). */
  decision?: DecisionSummary;
  error?: string;
  /** Every rule in order, then the fallback. */
  rules: RuleExplanation[];
  /** The same, as readable lines. */
  text: string;
}

export interface Policy {
  readonly config: PolicyConfig;
  /** Whether some rule reads fleet-wide traffic (only then is a fleet traffic source asked). */
  readonly readsFleetTraffic: boolean;
  /** Picks the strategy for a request; throws NO_STRATEGY (500) when none can serve the file. */
  choose(ctx: PolicyContext): Decision;
  /** Evaluates every rule and says why each one matched or not. Never throws NO_STRATEGY. */
  explain(ctx: PolicyContext): Explanation;
}
