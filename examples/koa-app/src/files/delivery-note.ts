import type { DeliverOptions, Deliverer, DecisionSummary } from '@sendoff/core';

/** What a client is told of a delivery: the policy's decision and the whole explanation as text. */
export interface DeliveryNote extends DecisionSummary {
  /** Every rule and how it fared, one per line (`Deliverer.explain`'s `text`). */
  text: string;
}

/**
 * The strategy the deployment's policy picks for a plain GET of the file, and why; undefined when
 * no strategy can serve it. Only the decision and the rules' reasons: no key, no location.
 */
export async function deliveryNote(deliverer: Deliverer, options: DeliverOptions): Promise<DeliveryNote | undefined> {
  const explanation = await deliverer.explain({ method: 'GET', headers: {} }, options);
  if (explanation.decision === undefined) return undefined;
  const { rule, strategy, reasons } = explanation.decision;
  return { rule, strategy, reasons, text: explanation.text };
}
