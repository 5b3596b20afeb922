/**
 * Whether a user can reach a file: every directory from `/` down needs the execute bit (enter) for
 * that user, the file itself the read bit. Computed from each step's mode, owner and group and the
 * user's groups, the way the kernel picks the owner, group or other bits (ACLs are not looked at),
 * so it answers for another user than the one asking: the web server's workers.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import createMode from 'stat-mode';
import type { Accounts, Reader } from './accounts.js';

/** A step on the way to a file that the reader is refused. */
export interface BlockedStep {
  path: string;
  /** `enter` a directory (x), or `read` the file (r). */
  need: 'enter' | 'read';
  /** As `ls -l` shows it, e.g. `drwx------`. */
  mode: string;
  owner: string;
  group: string;
  /** The permission class that applies to the reader: `u`, `g` or `o`. */
  who: 'u' | 'g' | 'o';
}

/**
 * The first step from `/` to `file` that `reader` cannot take, or undefined when none is refused
 * (or a step cannot be examined, e.g. it does not exist). Symlinks are resolved first: the server
 * walks the real path.
 */
export async function firstBlockedStep(file: string, reader: Reader, accounts: Accounts): Promise<BlockedStep | undefined> {
  const real = await realpath(file).catch(() => path.resolve(file));
  const steps = stepsTo(real);
  for (const [index, step] of steps.entries()) {
    const stats = await stat(step).catch(() => undefined);
    if (stats === undefined) return undefined;
    const need = index === steps.length - 1 && !stats.isDirectory() ? 'read' : 'enter';
    const who = classOf(stats, reader);
    if (reader.uid === 0 || isAllowed(createMode(stats), who, need)) continue;
    return { path: step, need, mode: createMode(stats).toString(), owner: accounts.userName(stats.uid), group: accounts.groupName(stats.gid), who };
  }
  return undefined;
}

/**
 * `www-data cannot enter /srv/x (drwx------ root:root): chmod o+x /srv/x, or …`: the cause and the
 * fix; with the app's `umask` when it takes that bit from what the app creates (the next upload
 * would be unreadable again).
 */
export function describeBlockedStep(reader: Pick<Reader, 'name'>, step: BlockedStep, umask?: number): string {
  const bit = step.need === 'enter' ? 'x' : 'r';
  const line = `${reader.name} cannot ${step.need} ${step.path} (${step.mode} ${step.owner}:${step.group}): chmod ${step.who}+${bit} ${step.path}, or run the web server as a user that can read it`;
  if (umask === undefined || (umask & maskBit(step.who, bit)) === 0) return line;
  const shown = umask.toString(8).padStart(4, '0');
  return `${line}; the app's umask ${shown} takes ${step.who}+${bit} from every file and directory it creates: start it under umask 022, or give LocalStorage fileMode 0o644 and dirMode 0o755`;
}

/** The umask bit that removes `bit` for `who`. */
function maskBit(who: BlockedStep['who'], bit: 'r' | 'x'): number {
  const value = bit === 'r' ? 4 : 1;
  return who === 'u' ? value << 6 : who === 'g' ? value << 3 : value;
}

/** This process's umask, read from /proc (Linux) without changing it; undefined elsewhere. */
export async function currentUmask(): Promise<number | undefined> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const match = /^Umask:\s*([0-7]+)$/m.exec(status);
  return match ? parseInt(match[1] as string, 8) : undefined;
}

/** `/`, `/a`, `/a/b`, … `file` for an absolute, normalised path. */
function stepsTo(file: string): string[] {
  const segments = file.split(path.sep).filter(Boolean);
  return [path.sep, ...segments.map((_, index) => path.sep + segments.slice(0, index + 1).join(path.sep))];
}

function classOf(stats: { uid: number; gid: number }, reader: Reader): BlockedStep['who'] {
  if (stats.uid === reader.uid) return 'u';
  if (reader.groups.includes(stats.gid)) return 'g';
  return 'o';
}

function isAllowed(mode: createMode.Mode, who: BlockedStep['who'], need: BlockedStep['need']): boolean {
  const bits = who === 'u' ? mode.owner : who === 'g' ? mode.group : mode.others;
  return need === 'enter' ? bits.execute : bits.read;
}
