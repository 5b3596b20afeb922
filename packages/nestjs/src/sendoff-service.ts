import { Inject, Injectable } from '@nestjs/common';
import type { Deliverer, DeliverOptions, DeliveryResult } from '@sendoff/core';
import { deliver } from './deliver.js';
import type { NestRequest, NestResponse } from './platform.js';
import { SENDOFF_DELIVERER } from './tokens.js';

/**
 * The Deliverer of `SendoffModule`, for controllers: `deliver(req, res, options)` with the request
 * and response of `@Req()` and `@Res()`, on the Express and the Fastify platform alike.
 */
@Injectable()
export class SendoffService {
  constructor(@Inject(SENDOFF_DELIVERER) readonly deliverer: Deliverer) {}

  /** See `deliver`: applies the plan for `options`, refusals are thrown as `SendoffHttpException`. */
  deliver(req: NestRequest, res: NestResponse, options: DeliverOptions): Promise<DeliveryResult> {
    return deliver(req, res, this.deliverer, options);
  }
}
