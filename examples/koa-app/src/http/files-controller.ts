import type { Context } from 'koa';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import type { Deliverer, Disposition, LinkSigner } from '@sendoff/core';
import { TYPES } from '@sendoff/inversify';
import { deliver } from '@sendoff/koa';
import { APP_TYPES } from '../app-types.js';
import { FileRepository, type FileRecord } from '../db/file-repository.js';
import { UserRepository } from '../db/user-repository.js';
import { FileStore } from '../files/file-store.js';
import { downloadOptions } from '../files/download-options.js';
import { receiveUpload } from '../uploads/receive-upload.js';
import type { AppSettings } from '../settings.js';
import { AppError, badRequest, fileNotFound, forbidden } from './app-error.js';
import { parseBody } from './parse-body.js';

const ShareBody = z.object({ user: z.string().min(1).max(200) });

/** What clients see of a file. */
function publicView(file: FileRecord): { id: string; name: string; size: number; contentType: string } {
  return { id: file.id, name: file.name, size: file.size, contentType: file.contentType };
}

/** The `/api/files` routes. Every handler runs after `requireUser` (ctx.state.user is set). */
@injectable()
export class FilesController {
  constructor(
    @inject(TYPES.Deliverer) private readonly deliverer: Deliverer,
    @inject(TYPES.LinkSigner) private readonly links: LinkSigner,
    @inject(FileRepository) private readonly files: FileRepository,
    @inject(UserRepository) private readonly users: UserRepository,
    @inject(FileStore) private readonly store: FileStore,
    @inject(APP_TYPES.Settings) private readonly settings: AppSettings,
  ) {}

  list(ctx: Context): void {
    ctx.body = this.files.readableBy(userOf(ctx)).map(publicView);
  }

  async upload(ctx: Context): Promise<void> {
    const owner = userOf(ctx);
    const record = await receiveUpload(ctx.req, {
      field: 'file',
      limitBytes: this.settings.uploadLimitBytes,
      store: (body, info) => this.store.save({ owner, name: info.name, contentType: info.contentType, body }),
    });
    ctx.status = 201;
    ctx.body = publicView(record);
  }

  async download(ctx: Context): Promise<void> {
    const file = this.#readable(ctx);
    await deliver(ctx, this.deliverer, downloadOptions(file, dispositionOf(ctx.query['disposition'])));
  }

  async share(ctx: Context): Promise<void> {
    const file = this.#readable(ctx);
    const { user } = parseBody(ctx, ShareBody);
    if (file.owner !== userOf(ctx)) throw forbidden('only the owner can share a file');
    if (!this.users.exists(user)) throw new AppError('UNKNOWN_USER', 'no such user', 400);
    if (user !== file.owner) this.files.share(file.id, user);
    ctx.status = 204;
  }

  async createLink(ctx: Context): Promise<void> {
    const file = this.#readable(ctx);
    const { ttl } = parseBody(ctx, this.#linkBody());
    const token = this.links.sign({ key: file.key, disposition: 'attachment', ttlSeconds: ttl });
    const { expiresAt } = this.links.verify(token);
    ctx.status = 201;
    ctx.body = { url: `${this.settings.publicUrl}/l/${token}`, expiresAt: expiresAt.toISOString() };
  }

  #readable(ctx: Context): FileRecord {
    const id = (ctx.params as Record<string, string | undefined>)['id'] ?? '';
    const file = this.files.findReadable(id, userOf(ctx));
    if (file === undefined) throw fileNotFound();
    return file;
  }

  #linkBody() {
    const { defaultLinkTtlSeconds, maxLinkTtlSeconds } = this.settings;
    return z.object({ ttl: z.number().int().min(1).max(maxLinkTtlSeconds).default(defaultLinkTtlSeconds) });
  }
}

function userOf(ctx: Context): string {
  return (ctx.state as { user: string }).user;
}

/** Absent → attachment; `inline` or `attachment` as asked; anything else (or repeated) → 400. */
function dispositionOf(value: string | string[] | undefined): Disposition {
  if (value === undefined) return 'attachment';
  if (value === 'inline' || value === 'attachment') return value;
  throw badRequest('disposition must be "inline" or "attachment"');
}
