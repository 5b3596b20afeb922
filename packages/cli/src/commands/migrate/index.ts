export { migrateCommand, parseMigrateArguments, JOURNAL_NAME } from './migrate-command.js';
export type { MigrateArguments } from './migrate-command.js';
export { runMigration } from './run-migration.js';
export type { MigrationOptions, MigrationReport, MigrationProgress, FileOutcome, FileStatus } from './run-migration.js';
export { MigrationJournal } from './migration-journal.js';
export type { JournalEntry } from './migration-journal.js';
export { parseS3Url, formatS3Url } from './parse-s3-url.js';
export type { S3Url } from './parse-s3-url.js';
