export { createPolicy } from './create-policy.js';
export { InFlightCounter } from './in-flight.js';
export type {
  PolicyContext,
  RuleConditions,
  PolicyRule,
  PolicyConfig,
  Decision,
  DecisionSummary,
  RuleExplanation,
  Explanation,
  Policy,
} from './types.js';
