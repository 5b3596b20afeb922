import type { Context } from 'koa';
import { inject, injectable } from 'inversify';
import type { Deliverer, LinkSigner } from '@sendoff/core';
import { TYPES } from '@sendoff/inversify';
import { deliver } from '@sendoff/koa';
import { FileRepository } from '../db/file-repository.js';
import { downloadOptions } from '../files/download-options.js';
import { fileNotFound } from './app-error.js';

/**
 * `GET /l/:token`: a signed link delivers its file with no Authorization. The token names the
 * storage key; the download name comes from the file's metadata.
 */
@injectable()
export class LinksController {
  constructor(
    @inject(TYPES.Deliverer) private readonly deliverer: Deliverer,
    @inject(TYPES.LinkSigner) private readonly links: LinkSigner,
    @inject(FileRepository) private readonly files: FileRepository,
  ) {}

  async open(ctx: Context): Promise<void> {
    const token = (ctx.params as Record<string, string | undefined>)['token'] ?? '';
    const link = this.links.verify(token);
    const file = this.files.findByKey(link.key);
    if (file === undefined) throw fileNotFound();
    await deliver(ctx, this.deliverer, downloadOptions(file, link.disposition ?? 'attachment'));
  }
}
