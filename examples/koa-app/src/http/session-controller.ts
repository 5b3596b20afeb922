import type { Context } from 'koa';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { UserRepository } from '../db/user-repository.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { parseBody } from './parse-body.js';
import { unauthorized } from './app-error.js';

const Credentials = z.object({ user: z.string().min(1).max(200), password: z.string().max(1000) });

/** `POST /api/session`: user + password → a bearer token. */
@injectable()
export class SessionController {
  constructor(
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(SessionTokens) private readonly tokens: SessionTokens,
  ) {}

  async create(ctx: Context): Promise<void> {
    const { user, password } = parseBody(ctx, Credentials);
    if (!this.users.isPasswordCorrect(user, password)) throw unauthorized('wrong user or password');
    ctx.body = { token: this.tokens.issue(user) };
  }
}
