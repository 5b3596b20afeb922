/**
 * The record of verified copies: one JSON object per line, appended and fsync'd after each
 * verification, so a run killed at any moment (kill -9 included) loses at most the line being
 * written. Reading tolerates a torn or garbled line; before appending, a torn tail is closed with a
 * newline so the next entry starts on a line of its own. Entries carry their target, so one journal
 * can serve several destinations without mixing them up.
 */
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface JournalEntry {
  /** `s3://bucket/prefix` the file was copied to. */
  target: string;
  key: string;
  size: number;
  mtimeMs: number;
  /** MD5 (hex) of the bytes read locally, which the store proved it holds. */
  md5: string;
  /** How the copy was verified: the store's MD5 ETag of what it received, or reading it back. */
  verifiedBy?: 'etag' | 'read-back';
  /** When the copy was verified (ISO 8601). */
  verifiedAt: string;
}

export class MigrationJournal {
  private readonly entries: Map<string, JournalEntry>;
  private handle: FileHandle | undefined;
  /** The write in flight (or the last one), never rejected. */
  private current: Promise<void> = Promise.resolve();
  /** Entries waiting for the write in flight to end; they go to disk together (group commit). */
  private next: { lines: string[]; done: Promise<void> } | undefined;

  private constructor(
    readonly path: string,
    readonly target: string,
    entries: Map<string, JournalEntry>,
  ) {
    this.entries = entries;
  }

  /** Reads the journal (a missing file is an empty journal) without opening it for writing. */
  static async read(path: string, target: string): Promise<MigrationJournal> {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    return new MigrationJournal(path, target, entriesOf(text, target));
  }

  /** Reads the journal, then opens it for appending (creating it durably if needed). */
  static async open(path: string, target: string): Promise<MigrationJournal> {
    const journal = await MigrationJournal.read(path, target);
    await journal.openForAppend();
    return journal;
  }

  /** The verified entry for `key` if the local file still has that size and mtime. */
  freshEntry(key: string, size: number, mtimeMs: number): JournalEntry | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.size === size && entry.mtimeMs === mtimeMs ? entry : undefined;
  }

  /** Whether there is any entry for `key` (fresh or not). */
  hasEntry(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Appends one entry and resolves once it is on disk (written and fsync'd). Entries recorded while
   * a write is in flight are written together by the next one: one fsync for the lot.
   */
  record(entry: Omit<JournalEntry, 'target' | 'verifiedAt'>): Promise<void> {
    const full: JournalEntry = { target: this.target, ...entry, verifiedAt: new Date().toISOString() };
    const batch = this.next ?? this.startBatch();
    batch.lines.push(`${JSON.stringify(full)}\n`);
    return batch.done.then(() => {
      this.entries.set(full.key, full);
    });
  }

  async close(): Promise<void> {
    await this.current;
    await this.handle?.close();
    this.handle = undefined;
  }

  private startBatch(): { lines: string[]; done: Promise<void> } {
    const batch: { lines: string[]; done: Promise<void> } = { lines: [], done: Promise.resolve() };
    batch.done = this.current.then(() => {
      if (this.next === batch) this.next = undefined;
      return this.append(batch.lines.join(''));
    });
    this.current = batch.done.catch(() => undefined);
    this.next = batch;
    return batch;
  }

  private async openForAppend(): Promise<void> {
    const existed = await fileExists(this.path);
    this.handle = await open(this.path, 'a+', 0o600);
    if (!existed) await syncDirectory(dirname(this.path));
    if (!(await endsWithNewline(this.handle))) await this.append('\n');
  }

  private async append(text: string): Promise<void> {
    if (this.handle === undefined) throw new Error('journal is not open for writing');
    await this.handle.write(text);
    await this.handle.datasync();
  }
}

function entriesOf(text: string, target: string): Map<string, JournalEntry> {
  const entries = new Map<string, JournalEntry>();
  for (const line of text.split('\n')) {
    const entry = parseLine(line);
    if (entry !== undefined && entry.target === target) entries.set(entry.key, entry);
  }
  return entries;
}

function parseLine(line: string): JournalEntry | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // a line torn by a crash
  }
  return isEntry(value) ? value : undefined;
}

function isEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.target === 'string' &&
    typeof entry.key === 'string' &&
    typeof entry.size === 'number' &&
    typeof entry.mtimeMs === 'number' &&
    typeof entry.md5 === 'string' &&
    /^[0-9a-f]{32}$/.test(entry.md5)
  );
}

async function fileExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function endsWithNewline(handle: FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return true;
  const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
  return buffer[0] === 0x0a;
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync();
  } catch {
    // some file systems refuse fsync on directories; the entries themselves are still synced
  } finally {
    await handle.close();
  }
}
