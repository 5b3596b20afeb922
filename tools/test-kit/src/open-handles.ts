/**
 * How many file descriptors of this process are open on a file, read from /proc/self/fd (Linux):
 * what a test checks to see that a download let go of its file.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { readdir, readlink, realpath } from 'node:fs/promises';

export async function openHandlesTo(file: string): Promise<number> {
  const target = await realpath(file);
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === target) count++;
  }
  return count;
}

/** Resolves once no descriptor of this process is open on `file` (the test's time-out bounds the wait). */
export async function handlesReleased(file: string): Promise<void> {
  while ((await openHandlesTo(file)) > 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** How many descriptors of this process are open on files under `dir` (a real path), counted at once. */
export function openHandlesUnder(dir: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir)) count++;
    } catch {
      // closed between the listing and the read
    }
  }
  return count;
}

/**
 * The descriptors under `dir` once at most `atMost` are left (a server closes them asynchronously
 * after the response), or as many as are still open after 3 s.
 */
export async function settledHandlesUnder(dir: string, atMost = 0): Promise<number> {
  for (let waited = 0; waited < 3000; waited += 50) {
    const open = openHandlesUnder(dir);
    if (open <= atMost) return open;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return openHandlesUnder(dir);
}
