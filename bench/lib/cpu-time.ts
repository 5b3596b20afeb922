/**
 * CPU time another process has used (user + system, all its threads) from `/proc/<pid>/stat`
 * (Linux). Dividing it by the work done gives a cost per request that other load on a shared
 * machine barely moves, unlike a rate, which drops whenever the process waits for a core.
 */
import { readFile } from 'node:fs/promises';

/** `/proc` reports times in clock ticks of USER_HZ, which Linux fixes at 100 per second. */
const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in seconds; undefined when /proc is unavailable or the process is gone. */
export async function readCpuSeconds(pid: number): Promise<number | undefined> {
  try {
    return cpuSecondsOf(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** utime + stime from the text of a `/proc/<pid>/stat` file (the command name may hold spaces and parentheses). */
export function cpuSecondsOf(stat: string): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end === -1) return undefined;
  // After "pid (comm) " come state (field 3), ..., utime (field 14), stime (field 15).
  const fields = stat.slice(end + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / TICKS_PER_SECOND;
}

/** Runs `work` and returns its result with the CPU seconds `pid` used meanwhile (NaN when unreadable). */
export async function withCpuTime<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuSeconds: number }> {
  const before = await readCpuSeconds(pid);
  const result = await work();
  const after = await readCpuSeconds(pid);
  return { result, cpuSeconds: before === undefined || after === undefined ? Number.NaN : after - before };
}
