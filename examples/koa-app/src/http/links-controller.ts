import type { Context } from 'koa';
import { inject, injectable } from 'inversify';
import type { Deliverer, LinkSigner } from '@sendoff/core';
import { TYPES } from '@sendoff/inversify';
import { deliver } from '@sendoff/koa';
import { FileRepository } from '../db/file-repository.js';
import { LinkRepository } from '../db/link-repository.js';
import { downloadOptions } from '../files/download-options.js';
import { AppError, fileNotFound } from './app-error.js';

/**
 * `GET /l/:token`: a signed link delivers its file with no Authorization. The token names the
 * storage key; the download name comes from the file's metadata. Every request through a link
 * counts as one use of it (HEAD and Range requests too); a revoked or used-up link is 410.
 * `POST /api/links/:id/revoke`: the owner who created a shareable link revokes it.
 */
@injectable()
export class LinksController {
  constructor(
    @inject(TYPES.Deliverer) private readonly deliverer: Deliverer,
    @inject(TYPES.LinkSigner) private readonly links: LinkSigner,
    @inject(FileRepository) private readonly files: FileRepository,
    @inject(LinkRepository) private readonly linkRecords: LinkRepository,
  ) {}

  async open(ctx: Context): Promise<void> {
    const token = (ctx.params as Record<string, string | undefined>)['token'] ?? '';
    const link = await this.links.redeem(token);
    const file = this.files.findByKey(link.key);
    if (file === undefined) throw fileNotFound();
    await deliver(ctx, this.deliverer, downloadOptions(file, link.disposition ?? 'attachment'));
  }

  /** Runs after `requireUser`. Someone else's link and an unknown id are the same 404. */
  async revoke(ctx: Context): Promise<void> {
    const id = (ctx.params as Record<string, string | undefined>)['id'] ?? '';
    const link = this.linkRecords.findOwned(id, (ctx.state as { user: string }).user);
    if (link === undefined) throw new AppError('NOT_FOUND', 'link not found', 404);
    await this.links.revoke(link.id, link.expiresAt);
    ctx.status = 204;
  }
}
