/**
 * The Deliverer ties storage, policy and strategies together: validate the key, resolve the file,
 * apply the inline policy, choose, plan. The policies, and the offload roots against the
 * storage's, are validated here, so a bad deployment fails at start-up.
 */
import type { DeliveryRequest, Storage } from '../contracts.js';
import { SendoffError, configInvalid } from '../errors/sendoff-error.js';
import { createInlinePolicy } from '../inline/inline-policy.js';
import type { DeliveryMessage } from '../diagnostics/channels.js';
import { isPublishing, noteFile, publishDelivery } from '../diagnostics/publish-delivery.js';
import { validateKey } from '../keys/validate-key.js';
import { createPolicy } from '../policy/create-policy.js';
import type { Decision, PolicyContext } from '../policy/types.js';
import { checkLocalRoots } from './check-local-roots.js';
import { ALL_FACTS, withFacts, type FileFacts } from './file-facts.js';
import { resolveFile } from './resolve-file.js';
import { trafficTracker } from './traffic-tracker.js';
import { checkDeliverOptions, resolveDeliveryOptions } from './resolve-options.js';
import { explanationOf } from './explanation.js';
import type { DeliverOptions, Deliverer, DeliveryConfig, DeliveryResult } from './types.js';

export function createDelivery(config: DeliveryConfig): Deliverer {
  const storage = checkStorage(config?.storage);
  const environment = config.environment ?? process.env.NODE_ENV ?? 'development';
  if (typeof environment !== 'string' || environment === '') throw configInvalid('delivery config: environment must be a non-empty string');
  const policy = createPolicy(config.policy, config.strategies, [...storage.locationKinds], environment);
  checkLocalRoots(storage, config.strategies, config.policy, environment);
  const inline = createInlinePolicy(config.inline);
  const traffic = trafficTracker(config.traffic);

  async function resolve(request: DeliveryRequest, options: DeliverOptions) {
    const checked = checkDeliverOptions(options);
    const key = validateKey(checked.key);
    const { file, facts } = await resolveFile(storage, key, checked);
    const safe = inline.apply(await withFacts(facts, () => resolveDeliveryOptions(checked, key, file.stat)));
    const trafficFacts = await traffic.facts(policy.readsFleetTraffic);
    const ctx: PolicyContext = { environment, request, file, inFlight: traffic.inFlight, contentType: safe.options.contentType, traffic: trafficFacts };
    return { key, file, facts, safe, ctx };
  }

  /** The policy's decision, the file looked up first when a rule reads a fact not yet known, then what the strategy reads. */
  async function decide(ctx: PolicyContext, facts: FileFacts): Promise<Decision> {
    const decision = await withFacts(facts, () => policy.choose(ctx));
    await facts.ensure(decision.strategy.reads ?? ALL_FACTS);
    return decision;
  }

  /** Resolves, chooses and plans; notes the file on `message` when the delivery is published. */
  async function plan(request: DeliveryRequest, options: DeliverOptions, message?: DeliveryMessage): Promise<DeliveryResult> {
    const { file, facts, safe, ctx } = await resolve(request, options);
    const decision = await decide(ctx, facts);
    if (message) noteFile(message, file, facts.knownSize);
    const planned = await decision.strategy.plan(request, file, safe.options);
    const summary = { rule: decision.rule, strategy: decision.strategy.name, reasons: decision.reasons, ...(decision.traffic && { traffic: decision.traffic }) };
    traffic.recordDownload(request, planned, facts.knownSize);
    return { ...traffic.countStreams(planned), decision: summary } as DeliveryResult;
  }

  return {
    environment,
    storage,
    get inFlight() {
      return traffic.inFlight;
    },
    deliver(request, options) {
      // Nothing is built for the diagnostics channels while no one subscribes (see docs/observability.md).
      return isPublishing() ? publishDelivery(request, options, plan) : plan(request, options);
    },
    async explain(request, options) {
      const { key, file, facts, safe, ctx } = await resolve(request, options);
      await decide(ctx, facts).catch(unlessNoStrategy);
      const sources = facts.sources();
      const explanation = await withFacts(facts, () => policy.explain(ctx));
      return explanationOf(explanation, key, file, sources, facts.knownSize, safe);
    },
  };
}

/** Lets NO_STRATEGY pass (the explanation reports it), rethrows anything else. */
function unlessNoStrategy(error: unknown): void {
  if (!(error instanceof SendoffError && error.code === 'NO_STRATEGY')) throw error;
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
