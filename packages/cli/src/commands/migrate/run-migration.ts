/**
 * A migration run: list the tree, leave out what the journal already proves copied (same key,
 * size and mtime), copy and verify the rest with bounded concurrency, journal each verified copy
 * before anything else happens to it (deleting the source included), and report. Killing the run
 * at any moment loses nothing: a file is either journaled (verified in the store) or copied again.
 */
import { realpath, stat, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Key } from '@sendoff/core';
import { CopyFailure, copyAndVerify } from './copy-and-verify.js';
import { MigrationJournal, type JournalEntry } from './migration-journal.js';
import { readBackDigest } from './read-back-digest.js';
import { describeS3Error } from '@sendoff/s3';
import { isFatal } from './fatal-error.js';
import type { UploadTarget } from './upload-target.js';
import { walkTree, type SourceFile } from './walk-tree.js';

export interface MigrationProgress {
  start(files: number, bytes: number): void;
  addBytes(count: number): void;
  fileDone(): void;
  stop(): void;
}

export interface MigrationOptions {
  /** Local root to copy from. */
  from: string;
  target: UploadTarget;
  /** Canonical name of the target (`s3://bucket/prefix`), recorded in the journal. */
  targetName: string;
  journalPath: string;
  concurrency: number;
  dryRun?: boolean;
  deleteSource?: boolean;
  /** Also read back every object the journal lists and copy again those that differ. */
  verifyExisting?: boolean;
  progress?: MigrationProgress;
  /** Attempts per file (default 3). */
  attempts?: number;
  /** Read every copy back even when the store's ETag proves it. */
  readBack?: boolean;
}

export type FileStatus = 'copied' | 'would-copy' | 'failed' | 'ignored';

export interface FileOutcome {
  key: string;
  status: FileStatus;
  size?: number;
  /** Why it was (or would be) copied, failed or ignored. */
  reason?: string;
  /** Whether the local file was deleted after its verified copy. */
  deleted?: boolean;
  /** Uploads it took to get a verified copy, when more than one. */
  attempts?: number;
}

export interface MigrationReport {
  from: string;
  to: string;
  dryRun: boolean;
  copied: number;
  /** With `dryRun`: files a real run would copy. */
  wouldCopy: number;
  /** Files the journal proves already copied (and, with verification, still intact). */
  skipped: number;
  failed: number;
  ignored: number;
  deleted: number;
  /** Bytes copied and verified in this run. */
  bytes: number;
  seconds: number;
  /** Set when a store error stopped the run (missing bucket, refused credentials). */
  aborted?: string;
  /** Files left alone because the run was aborted. */
  notAttempted: number;
  /** Every file not skipped: copied, would be copied, failed or ignored. */
  files: FileOutcome[];
}

interface Task {
  file: SourceFile;
  reason: string;
  /** The journal entry to check against the store before deciding to copy. */
  check?: JournalEntry;
}

export async function runMigration(options: MigrationOptions): Promise<MigrationReport> {
  const startedAt = process.hrtime.bigint();
  const from = await realpath(options.from);
  const journalPath = resolve(options.journalPath);
  const listing = await walkTree(from, { exclude: new Set([await realpath(journalPath).catch(() => journalPath)]) });
  const journal = options.dryRun
    ? await MigrationJournal.read(journalPath, options.targetName)
    : await MigrationJournal.open(journalPath, options.targetName);
  const report = emptyReport(from, options);
  for (const entry of listing.invalid) record(report, { key: entry.name, status: 'failed', reason: entry.reason });
  for (const entry of listing.ignored) record(report, { key: entry.name, status: 'ignored', reason: entry.reason });
  const tasks = planTasks(listing.files, journal, report, options.verifyExisting === true);
  try {
    options.progress?.start(tasks.length, tasks.reduce((sum, task) => sum + task.file.size, 0));
    const started = await runPool(tasks, options.concurrency, (task) => runTask(task, journal, report, options), report);
    report.notAttempted = tasks.length - started;
  } finally {
    options.progress?.stop();
    await journal.close();
  }
  report.seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return report;
}

function emptyReport(from: string, options: MigrationOptions): MigrationReport {
  return {
    from,
    to: options.targetName,
    dryRun: options.dryRun === true,
    copied: 0,
    wouldCopy: 0,
    skipped: 0,
    failed: 0,
    ignored: 0,
    deleted: 0,
    bytes: 0,
    seconds: 0,
    notAttempted: 0,
    files: [],
  };
}

function planTasks(files: SourceFile[], journal: MigrationJournal, report: MigrationReport, verifyExisting: boolean): Task[] {
  const tasks: Task[] = [];
  for (const file of files) {
    const entry = journal.freshEntry(file.key, file.size, file.mtimeMs);
    if (entry === undefined) tasks.push({ file, reason: journal.hasEntry(file.key) ? 'changed since its last copy' : 'new' });
    else if (verifyExisting) tasks.push({ file, reason: 'verify', check: entry });
    else report.skipped++;
  }
  return tasks;
}

async function runTask(task: Task, journal: MigrationJournal, report: MigrationReport, options: MigrationOptions): Promise<void> {
  const { file } = task;
  try {
    if (task.check !== undefined) {
      const damage = await damageOf(options.target, file.key, task.check);
      if (damage === undefined) {
        report.skipped++;
        options.progress?.addBytes(file.size);
        return;
      }
      task.reason = damage;
    }
    if (options.dryRun) {
      record(report, { key: file.key, status: 'would-copy', size: file.size, reason: task.reason });
      return;
    }
    await copyTask(task, journal, report, options);
  } catch (error) {
    const failure = error instanceof CopyFailure ? error : new CopyFailure(isFatal(error) ? 'fatal' : 'store', describeS3Error(error), { cause: error });
    record(report, { key: file.key, status: 'failed', size: file.size, reason: failure.message });
    if (failure.kind === 'fatal') report.aborted ??= failure.message;
  } finally {
    options.progress?.fileDone();
  }
}

async function copyTask(task: Task, journal: MigrationJournal, report: MigrationReport, options: MigrationOptions): Promise<void> {
  const { file } = task;
  const copy = await copyAndVerify(file, options.target, {
    ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
    readBack: options.readBack === true,
    ...(options.progress === undefined ? {} : { onBytes: (count: number) => options.progress?.addBytes(count) }),
  });
  await journal.record({ key: file.key, size: copy.size, mtimeMs: copy.mtimeMs, md5: copy.md5, verifiedBy: copy.verifiedBy });
  report.bytes += copy.size;
  const outcome: FileOutcome = { key: file.key, status: 'copied', size: copy.size, reason: task.reason };
  if (copy.attempts > 1) outcome.attempts = copy.attempts;
  if (options.deleteSource) outcome.deleted = await deleteIfUnchanged(file.path, copy.size, copy.mtimeMs);
  if (outcome.deleted) report.deleted++;
  record(report, outcome);
}

/** Why the object the journal lists is not right any more, or undefined when it is intact. */
async function damageOf(target: UploadTarget, key: Key, entry: JournalEntry): Promise<string | undefined> {
  let digest;
  try {
    digest = await readBackDigest(target, key);
  } catch (error) {
    if (isFatal(error)) throw error;
    return `the stored object cannot be read back (${describeS3Error(error)})`;
  }
  if (digest.md5 === entry.md5 && digest.bytes === entry.size) return undefined;
  return `the stored object differs from the verified copy (${digest.bytes} bytes, MD5 ${digest.md5})`;
}

/** Deletes the local file only if it is still exactly what was copied. */
async function deleteIfUnchanged(path: string, size: number, mtimeMs: number): Promise<boolean> {
  const now = await stat(path).catch(() => undefined);
  if (now === undefined || now.size !== size || now.mtimeMs !== mtimeMs) return false;
  await unlink(path);
  return true;
}

function record(report: MigrationReport, outcome: FileOutcome): void {
  report.files.push(outcome);
  if (outcome.status === 'copied') report.copied++;
  else if (outcome.status === 'failed') report.failed++;
  else if (outcome.status === 'ignored') report.ignored++;
  else report.wouldCopy++;
}

/**
 * Runs `work` over `items` with at most `concurrency` at a time; stops taking new items once the run
 * is aborted. Answers how many items were started.
 */
async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>, report: MigrationReport): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && report.aborted === undefined) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return next;
}
