import type Database from 'better-sqlite3';
import { inject, injectable } from 'inversify';
import { APP_TYPES } from '../app-types.js';

/** A shareable link the app handed out: who created it, and until when it verifies. */
export interface LinkRecord {
  id: string;
  fileId: string;
  owner: string;
  expiresAt: Date;
}

/** The shareable links each owner created, so an owner (and only they) can revoke one. */
@injectable()
export class LinkRepository {
  constructor(@inject(APP_TYPES.Database) private readonly db: Database.Database) {}

  add(link: LinkRecord): void {
    this.db.prepare('INSERT INTO links (id, file_id, owner, expires_at) VALUES (?, ?, ?, ?)').run(link.id, link.fileId, link.owner, link.expiresAt.getTime());
  }

  /** The link `id` if `owner` created it; undefined otherwise. */
  findOwned(id: string, owner: string): LinkRecord | undefined {
    const row = this.db.prepare('SELECT id, file_id AS fileId, owner, expires_at AS expiresAt FROM links WHERE id = ? AND owner = ?').get(id, owner) as
      | { id: string; fileId: string; owner: string; expiresAt: number }
      | undefined;
    return row && { ...row, expiresAt: new Date(row.expiresAt) };
  }
}
