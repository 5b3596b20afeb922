/**
 * Waits for the line a child process prints on stdout once it is ready (a `{"port":N}` line, a
 * "listening on <url>" line...). Fails if the process exits or errors first, or after `timeoutMs`.
 * Once settled, stdout keeps being drained so the child never blocks on a full pipe.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Announcement<T> {
  /** The announced value in a line of stdout, or undefined for any other line. */
  read(line: string): T | undefined;
  /** What is awaited, for the time-out message (`no <what> after N ms`). */
  what: string;
  timeoutMs: number;
}

export function waitForAnnouncement<T>(child: ChildProcess, announcement: Announcement<T>): Promise<T> {
  const { read, what, timeoutMs } = announcement;
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`no ${what} after ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => fail(new Error(`exited with code ${code}`));
    child.once('exit', onExit);
    child.once('error', fail);
    lines.on('line', (line) => {
      const value = read(line);
      if (value === undefined) return;
      cleanUp();
      resolve(value);
    });
    function fail(error: Error): void {
      cleanUp();
      reject(error);
    }
    function cleanUp(): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', fail);
      lines.removeAllListeners('line');
      child.stdout!.resume();
    }
  });
}
