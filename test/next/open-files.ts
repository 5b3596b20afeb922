/**
 * Which processes hold a file open, read from /proc: how a test sees that a server running in
 * another process closed the file it was sending.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** `pid` and its descendants. */
export async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = stat === undefined ? undefined : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== undefined) parents.set(Number(entry), ppid);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** How many descriptors of the processes in `pid`'s tree point at `path`. */
export async function openDescriptors(pid: number, path: string): Promise<number> {
  let count = 0;
  for (const process of await processTree(pid)) {
    const fds = await readdir(`/proc/${process}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${process}/fd/${fd}`).catch(() => '')) === path) count++;
    }
  }
  return count;
}

/** Polls until `count()` answers `expected`; false if it still does not after `limitMs`. */
export async function settlesAt(count: () => Promise<number>, expected: number, limitMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if ((await count()) === expected) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}
