import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { createDelivery, type Deliverer, type DeliveryConfig, type LinkSigner } from '@sendoff/core';
import { AnsweredResponseInterceptor } from './answered-response-interceptor.js';
import { SendoffService } from './sendoff-service.js';
import { SENDOFF_CONFIG, SENDOFF_DELIVERER, SENDOFF_LINK_SIGNER, SENDOFF_STORAGE } from './tokens.js';

/** What `forRoot` provides besides the Deliverer built from the config. */
export interface SendoffModuleExtras {
  /** Provided as `SENDOFF_LINK_SIGNER` when given (signed download links). */
  linkSigner?: LinkSigner;
  /** Whether every module of the app can inject the providers without importing the module. Default `true`. */
  global?: boolean;
}

/** `forRootAsync`: the config (and the link signer) made by factories that can inject other providers. */
export interface SendoffModuleAsyncOptions {
  /** Modules whose providers the factories inject (e.g. a ConfigModule). */
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: any[]) => DeliveryConfig | Promise<DeliveryConfig>;
  /** Provides `SENDOFF_LINK_SIGNER` when given. */
  linkSigner?: {
    inject?: FactoryProvider['inject'];
    useFactory: (...args: any[]) => LinkSigner | Promise<LinkSigner>;
  };
  /** Default `true`. */
  global?: boolean;
}

const TOKENS = [SENDOFF_CONFIG, SENDOFF_DELIVERER, SENDOFF_STORAGE] as const;

/**
 * Provides sendoff through Nest's DI: `SENDOFF_CONFIG`, `SENDOFF_DELIVERER` (one Deliverer),
 * `SENDOFF_STORAGE` (its storage), `SENDOFF_LINK_SIGNER` when given, and `SendoffService` for
 * controllers, and an app-wide interceptor that keeps Nest from sending a handler's return value on
 * a response a delivery answered (`@Res({ passthrough: true })`). The Deliverer is created (and the policy validated) while the app starts, so a bad
 * configuration fails at start-up, not at the first download.
 */
export class SendoffModule {
  /** From a config known when the module is declared; `createDelivery` runs right away. */
  static forRoot(config: DeliveryConfig, extras: SendoffModuleExtras = {}): DynamicModule {
    const deliverer = createDelivery(config);
    const providers: Provider[] = [
      { provide: SENDOFF_CONFIG, useValue: config },
      { provide: SENDOFF_DELIVERER, useValue: deliverer },
      { provide: SENDOFF_STORAGE, useValue: deliverer.storage },
    ];
    if (extras.linkSigner !== undefined) providers.push({ provide: SENDOFF_LINK_SIGNER, useValue: extras.linkSigner });
    return moduleOf(providers, extras.linkSigner !== undefined, extras.global);
  }

  /** From factories run while the app starts (`useFactory` with `inject`, the Nest convention). */
  static forRootAsync(options: SendoffModuleAsyncOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: SENDOFF_CONFIG, useFactory: options.useFactory, inject: options.inject ?? [] },
      { provide: SENDOFF_DELIVERER, useFactory: (config: DeliveryConfig) => createDelivery(config), inject: [SENDOFF_CONFIG] },
      { provide: SENDOFF_STORAGE, useFactory: (deliverer: Deliverer) => deliverer.storage, inject: [SENDOFF_DELIVERER] },
    ];
    const { linkSigner } = options;
    if (linkSigner !== undefined) providers.push({ provide: SENDOFF_LINK_SIGNER, useFactory: linkSigner.useFactory, inject: linkSigner.inject ?? [] });
    return { ...moduleOf(providers, linkSigner !== undefined, options.global), imports: options.imports ?? [] };
  }
}

function moduleOf(providers: Provider[], withLinkSigner: boolean, global = true): DynamicModule {
  return {
    module: SendoffModule,
    global,
    providers: [...providers, SendoffService, { provide: APP_INTERCEPTOR, useClass: AnsweredResponseInterceptor }],
    exports: [...TOKENS, ...(withLinkSigner ? [SENDOFF_LINK_SIGNER] : []), SendoffService],
  };
}

// `@Module({})`, written as the call a compiler emits for it (see sendoff-service.ts).
Module({})(SendoffModule);
