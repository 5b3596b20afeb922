import type Database from 'better-sqlite3';
import { Container } from 'inversify';
import type { DeliveryConfig, LinkStore } from '@sendoff/core';
import { TYPES, sendoffModule } from '@sendoff/inversify';
import { APP_TYPES } from './app-types.js';
import { createAppLinkSigner } from './auth/link-signer.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { SessionTokens } from './auth/session-tokens.js';
import { FileRepository } from './db/file-repository.js';
import { LinkRepository } from './db/link-repository.js';
import { UserRepository } from './db/user-repository.js';
import { FileStore } from './files/file-store.js';
import { observeDeliveries, type DeliveryListener } from './files/observe-deliveries.js';
import { FilesController } from './http/files-controller.js';
import { LinksController } from './http/links-controller.js';
import { SessionController } from './http/session-controller.js';
import type { AppSettings } from './settings.js';

/**
 * The app's container: sendoff's module built from the profile's config, plus the app's own
 * services. With `onDelivery`, the Deliverer every handler gets reports each decision to it. The
 * link signer keeps revocations and uses in `linkStore`.
 */
export function buildContainer(config: DeliveryConfig, settings: AppSettings, db: Database.Database, linkStore: LinkStore, onDelivery?: DeliveryListener): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(sendoffModule(config, { linkSigner: createAppLinkSigner(settings.secret, undefined, linkStore) }));
  if (onDelivery !== undefined) {
    const deliverer = container.get(TYPES.Deliverer);
    container.rebind(TYPES.Deliverer).toConstantValue(observeDeliveries(deliverer, onDelivery));
  }
  container.bind(APP_TYPES.Settings).toConstantValue(settings);
  container.bind(APP_TYPES.Database).toConstantValue(db);
  container.bind(UserRepository).toSelf();
  container.bind(FileRepository).toSelf();
  container.bind(LinkRepository).toSelf();
  container.bind(FileStore).toSelf();
  container.bind(SessionTokens).toSelf();
  container.bind(LoginThrottle).toConstantValue(new LoginThrottle());
  container.bind(SessionController).toSelf();
  container.bind(FilesController).toSelf();
  container.bind(LinksController).toSelf();
  return container;
}

