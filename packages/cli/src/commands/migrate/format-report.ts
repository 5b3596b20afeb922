/**
 * The human-readable end of a migration: one line per file that failed, was ignored or (dry run)
 * would be copied, then a summary with counts, bytes, time and rate.
 */
import type { FileOutcome, MigrationReport } from './run-migration.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Lines for stdout (what was or would be done) and stderr (what went wrong or was left out). */
export function formatReport(report: MigrationReport): { out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  for (const file of report.files) {
    if (file.status === 'would-copy') out.push(`would copy ${quoted(file.key)} (${formatBytes(file.size ?? 0)}, ${file.reason ?? 'new'})`);
    else if (file.status === 'failed') err.push(`failed ${quoted(file.key)}: ${file.reason ?? 'unknown error'}`);
    else if (file.status === 'ignored') err.push(`ignored ${quoted(file.key)}: ${file.reason ?? ''}`);
  }
  out.push(summaryLine(report));
  if (report.aborted !== undefined) err.push(`stopped: ${report.aborted} (${report.notAttempted} files not attempted)`);
  return { out: lines(out), err: lines(err) };
}

function summaryLine(report: MigrationReport): string {
  const seconds = report.seconds.toFixed(1);
  if (report.dryRun) {
    return `dry run: would copy ${report.wouldCopy} files, skipped ${report.skipped} already copied, failed ${report.failed}, ignored ${report.ignored} (${seconds} s)`;
  }
  const rate = formatBytes(report.bytes / Math.max(report.seconds, 0.001));
  const deleted = report.deleted > 0 ? `, deleted ${report.deleted} local files` : '';
  return (
    `copied ${report.copied} files (${formatBytes(report.bytes)}), skipped ${report.skipped}, failed ${report.failed}, ` +
    `ignored ${report.ignored}${deleted} in ${seconds} s (${rate}/s)`
  );
}

/** File names may hold any character: JSON quoting keeps each report on one line. */
function quoted(name: FileOutcome['key']): string {
  return JSON.stringify(name);
}

function lines(list: string[]): string {
  return list.length === 0 ? '' : `${list.join('\n')}\n`;
}
