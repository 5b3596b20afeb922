import type { ServiceIdentifier } from 'inversify';
import type Database from 'better-sqlite3';
import type { DeliveryMetrics } from './observe/delivery-metrics.js';
import type { AppSettings } from './settings.js';

/** Service identifiers of the example app's own services (sendoff's are in `@sendoff/inversify`). */
export const APP_TYPES = {
  Database: Symbol.for('example.Database') as ServiceIdentifier<Database.Database>,
  Settings: Symbol.for('example.Settings') as ServiceIdentifier<AppSettings>,
  DeliveryMetrics: Symbol.for('example.DeliveryMetrics') as ServiceIdentifier<DeliveryMetrics>,
} as const;
