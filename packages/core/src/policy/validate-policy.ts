/**
 * Start-up validation of a policy: the shape of every rule (zod), then what only makes sense
 * together with the strategies, the storage's location kinds and the environment. Every problem
 * is reported at once, each naming its rule.
 */
import { z } from 'zod';
import type { DeliveryStrategy, LocationKind } from '../contracts.js';
import { configInvalid } from '../errors/sendoff-error.js';
import { asList } from './conditions.js';
import type { PolicyConfig, PolicyContext, PolicyRule } from './types.js';

const MEDIA_GLOB = /^(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]*)\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i;
const METHOD = /^[A-Za-z]+$/;

const oneOrMore = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1, 'must not be an empty list')]);
const count = z.number().int('must be an integer').nonnegative('must not be negative');

const ruleSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty').optional(),
  use: z.string({ error: 'must name a strategy' }).min(1, 'must name a strategy'),
  environment: oneOrMore(z.string().min(1, 'must not be empty')).optional(),
  location: oneOrMore(z.enum(['local', 's3'])).optional(),
  minSize: count.optional(),
  maxSize: count.optional(),
  contentType: oneOrMore(z.string().regex(MEDIA_GLOB, 'must be a media type or a glob such as video/*')).optional(),
  method: oneOrMore(z.string().regex(METHOD, 'must be an HTTP method name')).optional(),
  range: z.boolean().optional(),
  maxInFlight: count.positive('must be at least 1 (no request is ever below 0 streams in flight)').optional(),
  minInFlight: count.optional(),
  when: z.custom<(ctx: PolicyContext) => boolean>((value) => typeof value === 'function', 'must be a function').optional(),
});

const configSchema = z.strictObject({
  rules: z.array(ruleSchema, { error: 'must be an array of rules' }),
  fallback: z.string({ error: 'must name a strategy' }).min(1, 'must name a strategy'),
});

/** Conditions that do not depend on the request: a rule with no others always applies to its kinds. */
const STATIC_CONDITIONS = new Set(['name', 'use', 'environment', 'location']);

/** The display name of a rule: its `name`, or `rule N` (1-based). */
export function ruleName(rule: Pick<PolicyRule, 'name'> | undefined, index: number): string {
  return rule?.name ?? `rule ${index + 1}`;
}

/** The label used in validation messages: `rule 2 ("big files")`. */
function label(rule: { name?: unknown } | undefined, index: number): string {
  return typeof rule?.name === 'string' && rule.name !== '' ? `rule ${index + 1} ("${rule.name}")` : `rule ${index + 1}`;
}

/**
 * Validates `config` against the strategies and the storage; returns the parsed config or throws
 * CONFIG_INVALID listing every problem.
 */
export function validatePolicy(
  config: unknown,
  strategies: readonly DeliveryStrategy[],
  locationKinds: readonly LocationKind[],
  environment: string,
): PolicyConfig {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) fail(parsed.error.issues.map((issue) => describeIssue(issue, config)));
  const policy = parsed.data as PolicyConfig;
  const problems = [
    ...checkStrategies(strategies),
    ...checkLocationKinds(locationKinds),
    ...checkNames(policy, strategies),
    ...policy.rules.flatMap((rule, index) => checkRuleRanges(rule, index)),
  ];
  if (problems.length === 0) {
    problems.push(...checkFallback(policy, strategies, locationKinds), ...checkReachability(policy, strategies, locationKinds, environment));
  }
  if (problems.length > 0) fail(problems);
  return policy;
}

function fail(problems: string[]): never {
  throw configInvalid(`invalid delivery policy:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
}

function describeIssue(issue: z.core.$ZodIssue, config: unknown): string {
  const [head, index, field, ...rest] = issue.path;
  if (head === 'rules' && typeof index === 'number') {
    const rule = (config as { rules?: Array<{ name?: unknown }> }).rules?.[index];
    const where = field === undefined ? '' : ` ${[field, ...rest].join('.')}`;
    return `${label(rule, index)}${where}: ${issue.message}`;
  }
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

function checkStrategies(strategies: readonly DeliveryStrategy[]): string[] {
  if (!Array.isArray(strategies) || strategies.length === 0) return ['no strategies given'];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  strategies.forEach((strategy, index) => {
    if (typeof strategy?.name !== 'string' || strategy.name === '') {
      problems.push(`strategy ${index + 1} has no name`);
      return;
    }
    const first = seen.get(strategy.name);
    if (first !== undefined) problems.push(`duplicate strategy name "${strategy.name}" (strategies ${first + 1} and ${index + 1})`);
    else seen.set(strategy.name, index);
  });
  return problems;
}

function checkLocationKinds(locationKinds: readonly LocationKind[]): string[] {
  return Array.isArray(locationKinds) && locationKinds.length > 0 ? [] : ['the storage declares no location kinds'];
}

function checkNames(policy: PolicyConfig, strategies: readonly DeliveryStrategy[]): string[] {
  const known = new Set(strategies.map((strategy) => strategy?.name));
  const knownList = [...known].map((name) => `"${name}"`).join(', ');
  const problems = policy.rules.flatMap((rule, index) =>
    known.has(rule.use) ? [] : [`${label(rule, index)}: unknown strategy "${rule.use}" (known: ${knownList})`],
  );
  if (!known.has(policy.fallback)) problems.push(`fallback: unknown strategy "${policy.fallback}" (known: ${knownList})`);
  return problems;
}

function checkRuleRanges(rule: PolicyRule, index: number): string[] {
  const problems: string[] = [];
  if (rule.minSize !== undefined && rule.maxSize !== undefined && rule.minSize > rule.maxSize) {
    problems.push(`${label(rule, index)}: minSize ${rule.minSize} > maxSize ${rule.maxSize}, no file can match`);
  }
  if (rule.minInFlight !== undefined && rule.maxInFlight !== undefined && rule.minInFlight >= rule.maxInFlight) {
    problems.push(`${label(rule, index)}: minInFlight ${rule.minInFlight} >= maxInFlight ${rule.maxInFlight}, no request can match`);
  }
  return problems;
}

function checkFallback(policy: PolicyConfig, strategies: readonly DeliveryStrategy[], locationKinds: readonly LocationKind[]): string[] {
  const fallback = byName(strategies, policy.fallback);
  return locationKinds
    .filter((kind) => !fallback.locationKinds.includes(kind))
    .map((kind) => `fallback: strategy "${fallback.name}" cannot serve location ${kind}, which the storage produces`);
}

/**
 * A rule whose strategy serves none of its locations can never win (checked for every rule with a
 * location condition, and for the rules active in this environment). Among the active rules, one
 * whose locations are all taken by earlier unconditional rules is unreachable. Rules for other
 * environments are otherwise left alone: they belong to other deployments.
 */
function checkReachability(
  policy: PolicyConfig,
  strategies: readonly DeliveryStrategy[],
  locationKinds: readonly LocationKind[],
  environment: string,
): string[] {
  const problems: string[] = [];
  const taken = new Map<LocationKind, number>();
  policy.rules.forEach((rule, index) => {
    const active = rule.environment === undefined || asList(rule.environment).includes(environment);
    if (!active && rule.location === undefined) return;
    const strategy = byName(strategies, rule.use);
    const wanted = rule.location === undefined ? [...locationKinds] : asList(rule.location);
    const servable = wanted.filter((kind) => strategy.locationKinds.includes(kind));
    if (servable.length === 0) {
      problems.push(`${label(rule, index)}: strategy "${strategy.name}" cannot serve location ${wanted.join(' or ')}, so the rule can never apply`);
      return;
    }
    if (!active) return;
    const reachable = wanted.filter((kind) => locationKinds.includes(kind));
    if (reachable.length > 0 && reachable.every((kind) => taken.has(kind))) {
      const earlier = [...new Set(reachable.map((kind) => taken.get(kind) as number))].sort((a, b) => a - b);
      const by = earlier.map((at) => label(policy.rules[at], at)).join(' and ');
      problems.push(`${label(rule, index)} is unreachable: ${by} already take every request for location ${reachable.join(', ')} (no request condition)`);
      return;
    }
    if (isUnconditional(rule)) {
      for (const kind of servable) if (!taken.has(kind)) taken.set(kind, index);
    }
  });
  return problems;
}

function isUnconditional(rule: PolicyRule): boolean {
  return Object.entries(rule).every(([field, value]) => value === undefined || STATIC_CONDITIONS.has(field));
}

function byName(strategies: readonly DeliveryStrategy[], name: string): DeliveryStrategy {
  return strategies.find((strategy) => strategy.name === name) as DeliveryStrategy;
}
