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
import { deliveryNote } from '../files/delivery-note.js';
import { downloadOptions } from '../files/download-options.js';
import { receiveUpload } from '../uploads/receive-upload.js';
import type { AppSettings } from '../settings.js';
import { AppError, badRequest, fileNotFound, forbidden } from './app-error.js';
import { linkBase } from './link-base.js';
import { parseBody } from './parse-body.js';

const ShareBody = z.strictObject({ user: z.string().min(1).max(200) });
/** A download link has a fixed short life: no `ttl`, and no other field either. */
const DownloadLinkBody = z.strictObject({ disposition: z.enum(['inline', 'attachment']).default('attachment') });

/** What clients see of a file. */
function publicView(file: FileRecord): { id: string; name: string; size: number; contentType: string } {
  return { id: file.id, name: file.name, size: file.size, contentType: file.contentType };
}

/** A file in `user`'s list: who owns it, and whether `user` may share it and create long-lived links (only the owner). */
function listedView(file: FileRecord, user: string): ReturnType<typeof publicView> & { owner: string; canShare: boolean } {
  return { ...publicView(file), owner: file.owner, canShare: isOwner(file, user) };
}

function isOwner(file: FileRecord, user: string): boolean {
  return file.owner === user;
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
    const user = userOf(ctx);
    ctx.body = this.files.readableBy(user).map((file) => listedView(file, user));
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
    if (!isOwner(file, userOf(ctx))) throw forbidden('only the owner can share a file');
    if (!this.users.exists(user)) throw new AppError('UNKNOWN_USER', 'no such user', 400);
    if (user !== file.owner) this.files.share(file.id, user);
    ctx.status = 204;
  }

  /** A shareable link (up to 7 days): only the owner may hand the file to anyone holding a URL. */
  async createLink(ctx: Context): Promise<void> {
    const file = this.#readable(ctx);
    if (!isOwner(file, userOf(ctx))) throw forbidden('only the owner can create a shareable link');
    const { ttl } = parseBody(ctx, this.#linkBody());
    ctx.status = 201;
    ctx.body = this.#signedLink(ctx, file, 'attachment', ttl);
  }

  /**
   * A link for one download by navigation, for anyone who may read the file: it lives
   * `downloadLinkTtlSeconds` (60 s), so the browser fetches the bytes through the deployment's real
   * path (web server, S3 redirect) without the session token. Says which strategy the policy picks.
   */
  async createDownloadLink(ctx: Context): Promise<void> {
    const file = this.#readable(ctx);
    const { disposition } = parseBody(ctx, DownloadLinkBody);
    const delivery = await deliveryNote(this.deliverer, downloadOptions(file, disposition));
    ctx.status = 201;
    ctx.body = { ...this.#signedLink(ctx, file, disposition, this.settings.downloadLinkTtlSeconds), delivery: delivery ?? null };
  }

  #readable(ctx: Context): FileRecord {
    const id = (ctx.params as Record<string, string | undefined>)['id'] ?? '';
    const file = this.files.findReadable(id, userOf(ctx));
    if (file === undefined) throw fileNotFound();
    return file;
  }

  #signedLink(ctx: Context, file: FileRecord, disposition: Disposition, ttlSeconds: number): { url: string; expiresAt: string } {
    const token = this.links.sign({ key: file.key, disposition, ttlSeconds });
    const { expiresAt } = this.links.verify(token);
    return { url: `${linkBase(ctx, this.settings)}/l/${token}`, expiresAt: expiresAt.toISOString() };
  }

  #linkBody() {
    const { defaultLinkTtlSeconds, maxLinkTtlSeconds } = this.settings;
    return z.strictObject({ ttl: z.number().int().min(1).max(maxLinkTtlSeconds).default(defaultLinkTtlSeconds) });
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
