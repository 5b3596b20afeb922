import type Database from 'better-sqlite3';
import type { Container } from 'inversify';
import { APP_TYPES } from '../app-types.js';
import { FileRepository } from '../db/file-repository.js';
import { UserRepository } from '../db/user-repository.js';
import { FileStore } from '../files/file-store.js';
import { DEMO_USERS, SEED_FILES } from './seed-data.js';

/** Creates the demo accounts and files the first time the app starts on a data directory. */
export async function seedIfFresh(container: Container): Promise<boolean> {
  const db = container.get(APP_TYPES.Database);
  if (isSeeded(db)) return false;
  const users = container.get(UserRepository);
  for (const { user, password } of DEMO_USERS) if (!users.exists(user)) await users.create(user, password);
  const store = container.get(FileStore);
  const files = container.get(FileRepository);
  for (const seed of SEED_FILES) {
    const record = await store.save({ owner: seed.owner, name: seed.name, contentType: seed.contentType, body: seed.body() });
    for (const user of seed.sharedWith) files.share(record.id, user);
  }
  db.prepare("INSERT INTO meta (name, value) VALUES ('seeded', ?)").run(new Date().toISOString());
  return true;
}

function isSeeded(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM meta WHERE name = 'seeded'").get() !== undefined;
}
