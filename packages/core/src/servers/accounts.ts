/**
 * The system's users and groups, from the passwd and group files: the ids a web server's worker
 * user runs with (to hand it its runtime directory) and every group it is in (to tell which
 * directory it cannot enter). Read once per question; a missing file reads as empty.
 */
import { readFile } from 'node:fs/promises';

export interface Account {
  name: string;
  uid: number;
  /** The primary group. */
  gid: number;
}

/** Who a process reads files as: its user and every group it is in (primary and supplementary). */
export interface Reader {
  name: string;
  uid: number;
  groups: readonly number[];
}

export interface AccountFiles {
  passwd: string;
  group: string;
}

const SYSTEM_FILES: AccountFiles = { passwd: '/etc/passwd', group: '/etc/group' };

export class Accounts {
  readonly #users: Account[];
  readonly #groups: Array<{ name: string; gid: number; members: string[] }>;

  private constructor(passwd: string, group: string) {
    this.#users = records(passwd).map(([name = '', , uid, gid]) => ({ name, uid: Number(uid), gid: Number(gid) }));
    this.#groups = records(group).map(([name = '', , gid, members = '']) => ({ name, gid: Number(gid), members: members.split(',').filter(Boolean) }));
  }

  static async read(files: AccountFiles = SYSTEM_FILES): Promise<Accounts> {
    const [passwd, group] = await Promise.all([readFile(files.passwd, 'utf8').catch(() => ''), readFile(files.group, 'utf8').catch(() => '')]);
    return new Accounts(passwd, group);
  }

  /** The user called `name`, if the passwd file has it. */
  user(name: string): Account | undefined {
    return this.#users.find((user) => user.name === name);
  }

  /** A user's name from its id, else the id itself. */
  userName(uid: number): string {
    return this.#users.find((user) => user.uid === uid)?.name ?? String(uid);
  }

  /** A group's name from its id, else the id itself. */
  groupName(gid: number): string {
    return this.#groups.find((group) => group.gid === gid)?.name ?? String(gid);
  }

  /** The user called `name` as a reader: its primary group and the groups that list it as a member. */
  reader(name: string): Reader | undefined {
    const user = this.user(name);
    if (user === undefined) return undefined;
    const supplementary = this.#groups.filter((group) => group.members.includes(name)).map((group) => group.gid);
    return { name, uid: user.uid, groups: [...new Set([user.gid, ...supplementary])] };
  }

  /** This process as a reader (its effective user and groups). */
  currentReader(): Reader {
    const uid = process.geteuid?.() ?? -1;
    const groups = [...new Set([process.getegid?.() ?? -1, ...(process.getgroups?.() ?? [])])];
    return { name: this.userName(uid), uid, groups };
  }
}

/** The colon-separated fields of each entry (comments and blank lines skipped). */
function records(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}
