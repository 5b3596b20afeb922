import type { Middleware } from 'koa';
import type { SessionTokens } from './session-tokens.js';
import { unauthorized } from '../http/app-error.js';
import { bearerToken } from './bearer-token.js';

/** What a session token is made of: base64url and dots. */
const SESSION_TOKEN = /^[A-Za-z0-9_\-.]+$/;

/** The state a signed-in request carries. */
export interface UserState {
  user: string;
}

/** Lets a request through only with a valid `Authorization: Bearer <token>` (the scheme in any case); sets `ctx.state.user`. */
export function requireUser(tokens: SessionTokens): Middleware<UserState> {
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    const token = bearerToken(header);
    if (token === undefined || !SESSION_TOKEN.test(token)) throw unauthorized(header === '' ? 'sign in first' : 'invalid token');
    ctx.state.user = tokens.userOf(token);
    await next();
  };
}
