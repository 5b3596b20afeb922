import type Database from 'better-sqlite3';
import { inject, injectable } from 'inversify';
import { APP_TYPES } from '../app-types.js';

/** A stored file as the app knows it. `key` is the storage key; `name` only metadata. */
export interface FileRecord {
  id: string;
  key: string;
  name: string;
  size: number;
  contentType: string;
  owner: string;
}

const COLUMNS = 'id, storage_key AS key, name, size, content_type AS contentType, owner';

/** File metadata and who may read what. */
@injectable()
export class FileRepository {
  constructor(@inject(APP_TYPES.Database) private readonly db: Database.Database) {}

  add(file: FileRecord): void {
    this.db
      .prepare('INSERT INTO files (id, storage_key, name, size, content_type, owner, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(file.id, file.key, file.name, file.size, file.contentType, file.owner, Date.now());
  }

  /** The files `user` owns or was given, oldest first. */
  readableBy(user: string): FileRecord[] {
    return this.db
      .prepare(
        `SELECT ${COLUMNS} FROM files WHERE owner = @user OR id IN (SELECT file_id FROM shares WHERE user = @user) ORDER BY created_at, rowid`,
      )
      .all({ user }) as FileRecord[];
  }

  /** The file `id` if `user` may read it; undefined when it does not exist or is not theirs. */
  findReadable(id: string, user: string): FileRecord | undefined {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM files WHERE id = @id AND (owner = @user OR id IN (SELECT file_id FROM shares WHERE user = @user))`)
      .get({ id, user }) as FileRecord | undefined;
  }

  findByKey(key: string): FileRecord | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM files WHERE storage_key = ?`).get(key) as FileRecord | undefined;
  }

  share(id: string, user: string): void {
    this.db.prepare('INSERT OR IGNORE INTO shares (file_id, user) VALUES (?, ?)').run(id, user);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n;
  }
}
