/**
 * The terminal progress bar of a migration (cli-progress): bytes as the bar, files done, and the
 * transfer rate. Only used when stdout is a terminal.
 */
import { SingleBar } from 'cli-progress';
import type { MigrationProgress } from './run-migration.js';
import { formatBytes } from './format-report.js';

export class ProgressBar implements MigrationProgress {
  private readonly bar: SingleBar;
  private files = 0;
  private filesTotal = 0;
  private bytes = 0;
  private bytesTotal = 0;
  private startedAt = Date.now();

  constructor(stream: NodeJS.WriteStream = process.stdout) {
    this.bar = new SingleBar({
      stream,
      format: 'migrating [{bar}] {percentage}% | {files}/{filesTotal} files | {done}/{total_size} | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    });
  }

  start(files: number, bytes: number): void {
    this.filesTotal = files;
    this.bytesTotal = bytes;
    this.startedAt = Date.now();
    this.bar.start(Math.max(bytes, 1), 0, this.payload());
  }

  addBytes(count: number): void {
    this.bytes += count;
    this.bar.update(this.bytes, this.payload());
  }

  fileDone(): void {
    this.files++;
    this.bar.update(this.bytes, this.payload());
  }

  stop(): void {
    this.bar.stop();
  }

  private payload(): Record<string, string | number> {
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    return {
      files: this.files,
      filesTotal: this.filesTotal,
      done: formatBytes(this.bytes),
      total_size: formatBytes(this.bytesTotal),
      rate: formatBytes(this.bytes / seconds),
    };
  }
}
