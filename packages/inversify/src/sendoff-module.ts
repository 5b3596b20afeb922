import { ContainerModule } from 'inversify';
import { createDelivery, type Deliverer, type DeliveryConfig, type LinkSigner } from '@sendoff/core';
import { TYPES } from './types.js';

/** What the module binds besides the Deliverer built from the config. */
export interface SendoffModuleExtras {
  /** Bound to `TYPES.LinkSigner` when given (signed download links). */
  linkSigner?: LinkSigner;
}

/**
 * A ContainerModule built from one deployment config. The Deliverer is created (and the policy
 * validated) when this function runs, so a bad configuration fails at start-up, not at the first
 * download. Binds `TYPES.DeliveryConfig`, `TYPES.Storage` (the config's storage), `TYPES.Deliverer`
 * (one instance) and, when given, `TYPES.LinkSigner`.
 */
export function sendoffModule(config: DeliveryConfig, extras: SendoffModuleExtras = {}): ContainerModule {
  const deliverer: Deliverer = createDelivery(config);
  return new ContainerModule(({ bind }) => {
    bind(TYPES.DeliveryConfig).toConstantValue(config);
    bind(TYPES.Storage).toConstantValue(deliverer.storage);
    bind(TYPES.Deliverer).toConstantValue(deliverer);
    if (extras.linkSigner !== undefined) bind(TYPES.LinkSigner).toConstantValue(extras.linkSigner);
  });
}
