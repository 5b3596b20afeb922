/**
 * Builds a validated policy. `choose` stops at the first failing condition of each rule (it runs
 * on every request); `explain` evaluates everything and says why.
 */
import type { DeliveryStrategy, LocationKind } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { compileConditions } from './conditions.js';
import type { Checker } from './conditions.js';
import type { Decision, Explanation, Policy, PolicyConfig, PolicyContext, RuleExplanation } from './types.js';
import { ruleName, validatePolicy } from './validate-policy.js';

interface CompiledRule {
  name: string;
  index: number;
  strategy: DeliveryStrategy;
  checkers: Checker[];
}

const FALLBACK = 'fallback';

export function createPolicy(
  config: PolicyConfig,
  strategies: DeliveryStrategy[],
  locationKinds: LocationKind[],
  environment: string,
): Policy {
  const valid = validatePolicy(config, strategies, locationKinds, environment);
  const strategyNamed = (name: string) => strategies.find((strategy) => strategy.name === name) as DeliveryStrategy;
  const rules: CompiledRule[] = valid.rules.map((rule, index) => ({
    name: ruleName(rule, index),
    index,
    strategy: strategyNamed(rule.use),
    checkers: compileConditions(rule),
  }));
  const fallback: CompiledRule = { name: FALLBACK, index: -1, strategy: strategyNamed(valid.fallback), checkers: [] };

  return {
    config: valid,
    choose(ctx) {
      for (const rule of rules) {
        const reasons = reasonsIfAllHold(rule, ctx);
        if (reasons && cannotServeReason(rule.strategy, ctx) === undefined) return decision(rule, reasons);
      }
      const refusal = cannotServeReason(fallback.strategy, ctx);
      if (refusal !== undefined) throw noStrategy(refusal);
      return decision(fallback, ['no rule applies']);
    },
    explain(ctx) {
      const explained = [...rules, fallback].map((rule) => explainRule(rule, ctx));
      const chosen = explained.find((rule) => rule.conditionsHold && rule.canServe);
      if (chosen) chosen.chosen = true;
      const decisionSummary = chosen && { rule: chosen.rule, strategy: chosen.use, reasons: chosen.index === -1 ? ['no rule applies'] : chosen.reasons };
      const explanation: Explanation = { environment: ctx.environment, inFlight: ctx.inFlight, rules: explained, text: '' };
      if (decisionSummary) explanation.decision = decisionSummary;
      else explanation.error = noStrategy(explained[explained.length - 1]?.reasons.at(-1) ?? '').message;
      explanation.text = renderExplanation(explanation);
      return explanation;
    },
  };
}

function decision(rule: CompiledRule, reasons: string[]): Decision {
  return { strategy: rule.strategy, rule: rule.name, reasons };
}

/** The reasons of every condition when they all hold, or undefined at the first that fails. */
function reasonsIfAllHold(rule: CompiledRule, ctx: PolicyContext): string[] | undefined {
  const reasons: string[] = [];
  for (const check of rule.checkers) {
    const result = check(ctx);
    if (!result.ok) return undefined;
    reasons.push(result.reason);
  }
  return reasons;
}

/** Why the strategy cannot serve this file, or undefined when it can. */
function cannotServeReason(strategy: DeliveryStrategy, ctx: PolicyContext): string | undefined {
  const kind = ctx.file.location.kind;
  if (!strategy.locationKinds.includes(kind)) return `strategy ${strategy.name} cannot serve location ${kind}`;
  if (!strategy.canServe(ctx.file)) return `strategy ${strategy.name} cannot serve this file`;
  return undefined;
}

function explainRule(rule: CompiledRule, ctx: PolicyContext): RuleExplanation {
  const checks = rule.checkers.map((check) => check(ctx));
  const refusal = cannotServeReason(rule.strategy, ctx);
  return {
    rule: rule.name,
    index: rule.index,
    use: rule.strategy.name,
    conditionsHold: checks.every((check) => check.ok),
    canServe: refusal === undefined,
    chosen: false,
    reasons: [...checks.map((check) => check.reason), ...(refusal === undefined ? [] : [refusal])],
  };
}

function noStrategy(reason: string): SendoffError {
  return new SendoffError('NO_STRATEGY', `no delivery strategy can serve this file: no rule applies and the fallback refuses it (${reason})`, {
    expose: false,
  });
}

function renderExplanation(explanation: Explanation): string {
  const lines = [`environment ${explanation.environment}, ${explanation.inFlight} direct stream(s) in flight`];
  for (const rule of explanation.rules) {
    const verdict = rule.chosen ? 'CHOSEN' : rule.conditionsHold && !rule.canServe ? 'cannot serve' : rule.conditionsHold ? 'matches' : 'skipped';
    const detail = rule.reasons.length > 0 ? `: ${rule.reasons.join('; ')}` : rule.index === -1 ? '' : ': no conditions';
    lines.push(`${rule.rule} -> ${rule.use} [${verdict}]${detail}`);
  }
  lines.push(explanation.decision ? `=> ${explanation.decision.strategy} (${explanation.decision.rule})` : `=> error: ${explanation.error}`);
  return lines.join('\n');
}
