import type { ServiceIdentifier } from 'inversify';
import type { Deliverer, DeliveryConfig, LinkSigner, Storage } from '@sendoff/core';

/**
 * Typed service identifiers of sendoff. They are built with `Symbol.for`, so two copies of this
 * package (or an app that spells the symbol itself) still agree on them.
 */
export const TYPES = {
  Deliverer: Symbol.for('sendoff.Deliverer') as ServiceIdentifier<Deliverer>,
  DeliveryConfig: Symbol.for('sendoff.DeliveryConfig') as ServiceIdentifier<DeliveryConfig>,
  Storage: Symbol.for('sendoff.Storage') as ServiceIdentifier<Storage>,
  LinkSigner: Symbol.for('sendoff.LinkSigner') as ServiceIdentifier<LinkSigner>,
} as const;
