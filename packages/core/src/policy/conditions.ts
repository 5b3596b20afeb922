/**
 * One checker per rule condition. Each answers whether its condition holds for a request and
 * says why, in a line an operator can read ("size 20971520 > maxSize 1048576").
 */
import { compileTrafficConditions } from './traffic-conditions.js';
import type { PolicyContext, RuleConditions } from './types.js';

export interface Check {
  ok: boolean;
  reason: string;
}

/** A condition compiled once at start-up. */
export type Checker = (ctx: PolicyContext) => Check;

/** The checkers for the conditions a rule sets, in evaluation order (`when` last). */
export function compileConditions(rule: RuleConditions): Checker[] {
  const checkers: Checker[] = [];
  if (rule.environment !== undefined) checkers.push(isEnvironment(asList(rule.environment)));
  if (rule.location !== undefined) checkers.push(isLocation(asList(rule.location)));
  if (rule.minSize !== undefined) checkers.push(isAtLeastMinSize(rule.minSize));
  if (rule.maxSize !== undefined) checkers.push(isAtMostMaxSize(rule.maxSize));
  if (rule.contentType !== undefined) checkers.push(isContentType(asList(rule.contentType)));
  if (rule.method !== undefined) checkers.push(isMethod(asList(rule.method)));
  if (rule.range !== undefined) checkers.push(isRangeRequest(rule.range));
  if (rule.maxInFlight !== undefined) checkers.push(isBelowMaxInFlight(rule.maxInFlight));
  if (rule.minInFlight !== undefined) checkers.push(isAtLeastMinInFlight(rule.minInFlight));
  checkers.push(...compileTrafficConditions(rule));
  if (rule.when !== undefined) checkers.push(isCustomConditionTrue(rule.when));
  return checkers;
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

const show = (list: readonly string[]) => `[${list.join(', ')}]`;

function isEnvironment(environments: string[]): Checker {
  return ({ environment }) =>
    environments.includes(environment)
      ? { ok: true, reason: `environment ${environment} in ${show(environments)}` }
      : { ok: false, reason: `environment ${environment} not in ${show(environments)}` };
}

function isLocation(kinds: string[]): Checker {
  return ({ file }) =>
    kinds.includes(file.location.kind)
      ? { ok: true, reason: `location ${file.location.kind} in ${show(kinds)}` }
      : { ok: false, reason: `location ${file.location.kind} not in ${show(kinds)}` };
}

function isAtLeastMinSize(minSize: number): Checker {
  return ({ file }) =>
    file.stat.size >= minSize
      ? { ok: true, reason: `size ${file.stat.size} >= minSize ${minSize}` }
      : { ok: false, reason: `size ${file.stat.size} < minSize ${minSize}` };
}

function isAtMostMaxSize(maxSize: number): Checker {
  return ({ file }) =>
    file.stat.size <= maxSize
      ? { ok: true, reason: `size ${file.stat.size} <= maxSize ${maxSize}` }
      : { ok: false, reason: `size ${file.stat.size} > maxSize ${maxSize}` };
}

function isContentType(globs: string[]): Checker {
  const matchers = globs.map((glob) => ({ glob, matches: compileMediaGlob(glob) }));
  return (ctx) => {
    const type = mediaType(ctx.contentType ?? ctx.file.stat.contentType);
    const hit = type === undefined ? undefined : matchers.find((matcher) => matcher.matches(type));
    return hit
      ? { ok: true, reason: `content type ${type} matches ${hit.glob}` }
      : { ok: false, reason: `content type ${type ?? 'unknown'} not in ${show(globs)}` };
  };
}

/** `video/*`, `*\/*`, `image/png` → a matcher on a bare, lower-case media type. */
export function compileMediaGlob(glob: string): (type: string) => boolean {
  const [wantType, wantSubtype] = glob.toLowerCase().split('/');
  return (type) => {
    const [gotType, gotSubtype] = type.split('/');
    return (wantType === '*' || wantType === gotType) && (wantSubtype === '*' || wantSubtype === gotSubtype);
  };
}

/** `Text/HTML; charset=utf-8` → `text/html`. */
function mediaType(contentType: string | undefined): string | undefined {
  const bare = contentType?.split(';')[0]?.trim().toLowerCase();
  return bare ? bare : undefined;
}

function isMethod(methods: string[]): Checker {
  const wanted = methods.map((method) => method.toUpperCase());
  return ({ request }) => {
    const method = request.method.toUpperCase();
    return wanted.includes(method)
      ? { ok: true, reason: `method ${method} in ${show(wanted)}` }
      : { ok: false, reason: `method ${method} not in ${show(wanted)}` };
  };
}

function isRangeRequest(wanted: boolean): Checker {
  return ({ request }) => {
    const has = hasRangeHeader(request.headers.range);
    const state = has ? 'Range header present' : 'no Range header';
    return { ok: has === wanted, reason: `${state} (range: ${wanted})` };
  };
}

function hasRangeHeader(value: string | string[] | undefined): boolean {
  return Array.isArray(value) ? value.some((item) => item.trim() !== '') : value !== undefined && value.trim() !== '';
}

function isBelowMaxInFlight(maxInFlight: number): Checker {
  return ({ inFlight }) =>
    inFlight < maxInFlight
      ? { ok: true, reason: `in flight ${inFlight} < maxInFlight ${maxInFlight}` }
      : { ok: false, reason: `in flight ${inFlight} >= maxInFlight ${maxInFlight}` };
}

function isAtLeastMinInFlight(minInFlight: number): Checker {
  return ({ inFlight }) =>
    inFlight >= minInFlight
      ? { ok: true, reason: `in flight ${inFlight} >= minInFlight ${minInFlight}` }
      : { ok: false, reason: `in flight ${inFlight} < minInFlight ${minInFlight}` };
}

function isCustomConditionTrue(when: (ctx: PolicyContext) => boolean): Checker {
  return (ctx) => (when(ctx) === true ? { ok: true, reason: 'custom condition returned true' } : { ok: false, reason: 'custom condition returned false' });
}
