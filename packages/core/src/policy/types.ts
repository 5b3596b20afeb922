/**
 * The per-request policy: an ordered list of rules, each naming a strategy and the conditions
 * under which it should deliver. The first rule whose conditions hold and whose strategy can serve
 * the file wins; otherwise the fallback.
 */
import type { DeliveryRequest, DeliveryStrategy, LocationKind, ResolvedFile } from '../contracts.js';

/** What a rule looks at. */
export interface PolicyContext {
  environment: string;
  request: DeliveryRequest;
  file: ResolvedFile;
  /** Direct streams in flight in this process right now. */
  inFlight: number;
  /** The content type the download will carry; defaults to `file.stat.contentType`. */
  contentType?: string;
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
}

/** A decision as plain data, for logs and explanations. */
export interface DecisionSummary {
  rule: string;
  strategy: string;
  reasons: string[];
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
  /** Picks the strategy for a request; throws NO_STRATEGY (500) when none can serve the file. */
  choose(ctx: PolicyContext): Decision;
  /** Evaluates every rule and says why each one matched or not. Never throws NO_STRATEGY. */
  explain(ctx: PolicyContext): Explanation;
}
