import type Database from 'better-sqlite3';
import { inject, injectable } from 'inversify';
import { APP_TYPES } from '../app-types.js';
import { hashPassword, isPasswordCorrect } from '../auth/passwords.js';

/** The accounts of the app. */
@injectable()
export class UserRepository {
  constructor(@inject(APP_TYPES.Database) private readonly db: Database.Database) {}

  async create(name: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    this.db.prepare('INSERT INTO users (name, password_hash) VALUES (?, ?)').run(name, hash);
  }

  exists(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(name) !== undefined;
  }

  /** Whether `password` is this user's; false for an unknown user too (same work either way). */
  isPasswordCorrect(name: string, password: string): Promise<boolean> {
    const row = this.db.prepare('SELECT password_hash AS hash FROM users WHERE name = ?').get(name) as { hash: string } | undefined;
    return isPasswordCorrect(password, row?.hash);
  }
}
