import { Inject, Injectable } from '@nestjs/common';
import type { Deliverer, DeliverOptions, DeliveryResult } from '@sendoff/core';
import { deliver } from './deliver.js';
import type { NestRequest, NestResponse } from './platform.js';
import { SENDOFF_DELIVERER } from './tokens.js';

/**
 * The Deliverer of `SendoffModule`, for controllers: `deliver(req, res, options)` with the request
 * and response of `@Req()` and `@Res()`, on the Express and the Fastify platform alike.
 */
export class SendoffService {
  constructor(readonly deliverer: Deliverer) {}

  /** See `deliver`: applies the plan for `options`, refusals are thrown as `SendoffHttpException`. */
  deliver(req: NestRequest, res: NestResponse, options: DeliverOptions): Promise<DeliveryResult> {
    return deliver(req, res, this.deliverer, options);
  }
}

// `@Injectable()` on the class and `@Inject(SENDOFF_DELIVERER)` on the constructor parameter,
// written as the calls a compiler emits for them: the package then needs no decorator support
// (nor emitted type metadata) from whatever compiles or runs the app.
Injectable()(SendoffService);
Inject(SENDOFF_DELIVERER)(SendoffService, undefined, 0);
