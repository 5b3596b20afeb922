/**
 * The Deliverer ties storage, policy and strategies together: validate the key, resolve the file,
 * apply the inline policy, choose, plan. The policies, and the offload roots against the
 * storage's, are validated here, so a bad deployment fails at start-up.
 */
import type { DeliveryPlan, DeliveryRequest, Key, ResolvedFile, Storage } from '../contracts.js';
import { configInvalid, notFound } from '../errors/sendoff-error.js';
import type { DeliveryMessage } from '../diagnostics/channels.js';
import { isPublishing, noteFile, publishDelivery } from '../diagnostics/publish-delivery.js';
import { createInlinePolicy, type InlineDecision } from '../inline/inline-policy.js';
import { validateKey } from '../keys/validate-key.js';
import { createPolicy } from '../policy/create-policy.js';
import { InFlightCounter } from '../policy/in-flight.js';
import { hasExpectedSize } from '../storage/expected-size.js';
import type { Policy, PolicyContext } from '../policy/types.js';
import { checkLocalRoots } from './check-local-roots.js';
import { checkDeliverOptions, resolveDeliveryOptions } from './resolve-options.js';
import type { DeliverOptions, Deliverer, DeliveryConfig, DeliveryExplanation, DeliveryResult } from './types.js';

export function createDelivery(config: DeliveryConfig): Deliverer {
  const storage = checkStorage(config?.storage);
  const environment = config.environment ?? process.env.NODE_ENV ?? 'development';
  if (typeof environment !== 'string' || environment === '') throw configInvalid('delivery config: environment must be a non-empty string');
  const policy = createPolicy(config.policy, config.strategies, [...storage.locationKinds], environment);
  checkLocalRoots(storage, config.strategies, config.policy, environment);
  const inline = createInlinePolicy(config.inline);
  const counter = new InFlightCounter();

  async function resolve(request: DeliveryRequest, options: DeliverOptions) {
    const checked = checkDeliverOptions(options);
    const key = validateKey(checked.key);
    const lookup = checked.expectedSize === undefined ? undefined : { expectedSize: checked.expectedSize };
    const [stat, location] = await Promise.all([storage.stat(key, lookup), storage.locate(key, lookup)]);
    if (!hasExpectedSize(stat, lookup)) throw notFound();
    // The bytes come from the copy the plan is made from (a FallbackStorage reads the storage holding that size).
    const file: ResolvedFile = { key, stat, location, open: (openOptions) => storage.open(key, { expectedSize: stat.size, ...openOptions }) };
    const safe = inline.apply(resolveDeliveryOptions(checked, key, stat));
    const ctx: PolicyContext = { environment, request, file, inFlight: counter.current, contentType: safe.options.contentType };
    return { key, file, safe, ctx };
  }

  /** Resolves, chooses and plans; notes the file on `message` when the delivery is published. */
  async function plan(request: DeliveryRequest, options: DeliverOptions, message?: DeliveryMessage): Promise<DeliveryResult> {
    const { file, safe, ctx } = await resolve(request, options);
    if (message) noteFile(message, file);
    const decision = policy.choose(ctx);
    const planned = await decision.strategy.plan(request, file, safe.options);
    const summary = { rule: decision.rule, strategy: decision.strategy.name, reasons: decision.reasons };
    return { ...countStreams(planned, counter), decision: summary } as DeliveryResult;
  }

  return {
    environment,
    storage,
    get inFlight() {
      return counter.current;
    },
    deliver(request, options) {
      // Nothing is built for the diagnostics channels while no one subscribes (see docs/observability.md).
      return isPublishing() ? publishDelivery(request, options, plan) : plan(request, options);
    },
    async explain(request, options) {
      const { key, file, safe, ctx } = await resolve(request, options);
      return describe(policy, ctx, key, file, safe);
    },
  };
}

function checkStorage(storage: Storage | undefined): Storage {
  const isStorage =
    typeof storage === 'object' &&
    storage !== null &&
    Array.isArray(storage.locationKinds) &&
    ['stat', 'open', 'locate', 'put'].every((method) => typeof (storage as unknown as Record<string, unknown>)[method] === 'function');
  if (!isStorage) throw configInvalid('delivery config: storage must implement Storage (locationKinds, stat, open, locate, put)');
  return storage;
}

/** A stream plan whose `open` hands its stream to the in-flight counter. */
function countStreams(plan: DeliveryPlan, counter: InFlightCounter): DeliveryPlan {
  if (plan.body !== 'stream') return plan;
  const open = plan.open;
  return { ...plan, open: async () => counter.track(await open()) };
}

function describe(policy: Policy, ctx: PolicyContext, key: Key, file: ResolvedFile, safe: InlineDecision): DeliveryExplanation {
  const location = file.location.kind === 'local' ? 'local' : `s3://${file.location.bucket}`;
  const explanation = policy.explain(ctx);
  const { contentType, disposition } = safe.options;
  const facts = { key, location, size: file.stat.size, contentType, disposition };
  if (safe.refused === undefined) return { ...explanation, ...facts };
  return { ...explanation, ...facts, inlineRefused: safe.refused, text: `${explanation.text}\n${safe.refused}` };
}
