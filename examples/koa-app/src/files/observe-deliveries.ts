/**
 * A Deliverer that tells a listener what it decided for every download it plans: which rule, which
 * strategy, and why. The handlers keep calling `deliver` on the Deliverer they are given; whoever
 * starts the app (a test, a log) observes the decisions without any handler knowing.
 */
import type { Deliverer, DeliveryResult } from '@sendoff/core';

/** One delivery decision: the key asked for and the policy's choice. */
export interface DeliveryDecision {
  key: string;
  /** The policy rule that chose (or `fallback`). */
  rule: string;
  /** The strategy that planned the response (e.g. `xAccel`, `directStream`). */
  strategy: string;
  /** The HTTP method of the request (downloads are GET or HEAD). */
  method: string;
  reasons: string[];
}

export type DeliveryListener = (decision: DeliveryDecision) => void;

/** `deliverer`, reporting each decision to `listener` once the plan exists (never for a failed lookup). */
export function observeDeliveries(deliverer: Deliverer, listener: DeliveryListener): Deliverer {
  return {
    get environment() {
      return deliverer.environment;
    },
    get storage() {
      return deliverer.storage;
    },
    get inFlight() {
      return deliverer.inFlight;
    },
    async deliver(request, options): Promise<DeliveryResult> {
      const result = await deliverer.deliver(request, options);
      const { rule, strategy, reasons } = result.decision;
      listener({ key: options.key, rule, strategy, method: request.method, reasons });
      return result;
    },
    explain: (request, options) => deliverer.explain(request, options),
  };
}
