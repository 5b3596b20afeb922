import type { Context } from 'koa';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { UserRepository } from '../db/user-repository.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { APP_TYPES } from '../app-types.js';
import type { AppSettings } from '../settings.js';
import { clientAddress } from './client-address.js';
import { parseBody } from './parse-body.js';
import { unauthorized } from './app-error.js';

const Credentials = z.strictObject({ user: z.string().min(1).max(200), password: z.string().max(1000) });

/**
 * `POST /api/session`: user + password → a bearer token. Failed sign-ins are limited per user
 * name and per client address (429 with Retry-After); the password is checked off the event loop.
 */
@injectable()
export class SessionController {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(SessionTokens) private readonly tokens: SessionTokens,
    @inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @inject(APP_TYPES.Settings) private readonly settings: AppSettings,
  ) {}

  async create(ctx: Context): Promise<void> {
    const { user, password } = parseBody(ctx, Credentials);
    const attempt = this.throttle.begin(user, clientAddress(ctx, this.settings.behindFrontServer));
    if (!(await this.users.isPasswordCorrect(user, password))) throw unauthorized('wrong user or password');
    attempt.succeeded();
    ctx.body = { token: this.tokens.issue(user) };
  }
}
