import path from 'node:path';
import Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY,
  storage_key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  owner TEXT NOT NULL REFERENCES users(name),
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS shares (
  file_id TEXT NOT NULL REFERENCES files(id),
  user TEXT NOT NULL REFERENCES users(name),
  PRIMARY KEY (file_id, user)
);
CREATE TABLE IF NOT EXISTS links (
  id TEXT PRIMARY KEY,
  file_id TEXT NOT NULL REFERENCES files(id),
  owner TEXT NOT NULL REFERENCES users(name),
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** Opens (and creates) the metadata database in the data directory. */
export function openDatabase(dataDir: string): Database.Database {
  const db = new Database(path.join(dataDir, 'app.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}
