import type { Middleware } from 'koa';
import type { SessionTokens } from './session-tokens.js';
import { unauthorized } from '../http/app-error.js';

/** The state a signed-in request carries. */
export interface UserState {
  user: string;
}

/** Lets a request through only with a valid `Authorization: Bearer <token>` (the scheme in any case); sets `ctx.state.user`. */
export function requireUser(tokens: SessionTokens): Middleware<UserState> {
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/i.exec(header);
    if (match?.[1] === undefined) throw unauthorized(header === '' ? 'sign in first' : 'invalid token');
    ctx.state.user = tokens.userOf(match[1]);
    await next();
  };
}
