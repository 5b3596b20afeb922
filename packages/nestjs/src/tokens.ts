/**
 * Nest injection tokens of sendoff. They are built with `Symbol.for` (the names the inversify
 * tokens use), so two copies of this package, or an app that spells the symbol itself, still agree
 * on them. Inject with `@Inject(SENDOFF_DELIVERER)` and friends.
 */
export const SENDOFF_DELIVERER: unique symbol = Symbol.for('sendoff.Deliverer');
export const SENDOFF_CONFIG: unique symbol = Symbol.for('sendoff.DeliveryConfig');
export const SENDOFF_STORAGE: unique symbol = Symbol.for('sendoff.Storage');
export const SENDOFF_LINK_SIGNER: unique symbol = Symbol.for('sendoff.LinkSigner');
