import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { wasAnswered } from './answered-responses.js';
import { rawResponseOf, type NestResponse } from './platform.js';

/**
 * Keeps Nest from sending a handler's return value on a response a delivery has answered: a
 * handler with `@Res({ passthrough: true })` that returns what `deliver` resolved with would
 * otherwise have Nest send that value as JSON after the file (on the Express platform, an
 * ERR_HTTP_HEADERS_SENT error for every download). Registered app-wide by `SendoffModule`; every
 * other response is left as it is.
 */
export class AnsweredResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const res = context.switchToHttp().getResponse<NestResponse>();
    return next.handle().pipe(map((result: unknown) => (wasAnswered(rawResponseOf(res)) ? undefined : result)));
  }
}

// `@Injectable()`, written as the call a compiler emits for it (see sendoff-service.ts).
Injectable()(AnsweredResponseInterceptor);
