/**
 * One JSON line per download: when its plan is settled, or for a body the app streams, once that
 * stream closed. The file is named by its id (the last segment of the app's `u/<owner>/<id>`
 * keys), never by its key: no owner, no path.
 */
import type { DeliveryMessage } from '@sendoff/core';
import type { DeliveryWatcher } from './watch-deliveries.js';

export interface DownloadLine {
  msg: 'download';
  file: string;
  method: string;
  strategy: string | null;
  rule: string | null;
  status: number | null;
  /** The file's size, when it was found. */
  size: number | null;
  /** Bytes the app sent itself (0 when a web server or S3 sends them). */
  bytes: number;
  /** `finished` or `aborted` for a body the app streamed. */
  stream?: 'finished' | 'aborted';
  error?: string;
  /** Milliseconds from deliver() to its plan. */
  decisionMs: number | null;
  /** Milliseconds from deliver() to the end of the download as the app sees it. */
  ms: number | null;
}

export class DownloadLog implements DeliveryWatcher {
  constructor(private readonly write: (line: string) => void) {}

  settled(message: DeliveryMessage): void {
    // A stream plan is logged when its body closes.
    if (message.body !== 'stream') this.write(JSON.stringify(lineOf(message)));
  }

  streamClosed(message: DeliveryMessage): void {
    this.write(JSON.stringify(lineOf(message)));
  }
}

function lineOf(message: DeliveryMessage): DownloadLine {
  const stream = message.stream;
  const decisionMs = message.duration ?? null;
  const line: DownloadLine = {
    msg: 'download',
    file: fileIdOf(message.key),
    method: message.method,
    strategy: message.strategy ?? null,
    rule: message.rule ?? null,
    status: message.status ?? null,
    size: message.size ?? null,
    bytes: stream?.bytes ?? 0,
    decisionMs: rounded(decisionMs),
    ms: rounded(decisionMs === null ? null : decisionMs + (stream?.duration ?? 0)),
  };
  if (stream !== undefined && stream.state !== 'open') line.stream = stream.state;
  const error = message.errorCode ?? stream?.errorCode;
  if (error !== undefined) line.error = error;
  return line;
}

/** The last segment of a key: the file's id for the app's `u/<owner>/<id>` keys. */
function fileIdOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

function rounded(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10;
}
