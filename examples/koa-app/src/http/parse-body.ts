import type { Context } from 'koa';
import type { z } from 'zod';
import { badRequest } from './app-error.js';

/** The JSON body (parsed by @koa/bodyparser) checked against `schema`; 400 naming the first problem. */
export function parseBody<T>(ctx: Context, schema: z.ZodType<T>): T {
  const result = schema.safeParse((ctx.request as { body?: unknown }).body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw badRequest(`invalid body: ${where}${issue?.message ?? 'unexpected shape'}`);
}
