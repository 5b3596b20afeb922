/**
 * What this test process has running, read from /proc: its child processes and the TCP ports it
 * listens on. Taken before and after a start that fails, it shows the start left nothing behind
 * (a web server, or the app's own listening socket).
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface OwnResources {
  /** Pids of this process's direct children (web-server masters, the TypeScript loader's esbuild service), sorted. */
  children: number[];
  /** Ports of the TCP sockets this process listens on, sorted. */
  listening: number[];
}

export async function ownResources(): Promise<OwnResources> {
  return { children: await childPids(), listening: await listeningPorts() };
}

async function childPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: the command name may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === process.pid) pids.push(Number(entry));
  }
  return pids.sort((a, b) => a - b);
}

async function listeningPorts(): Promise<number[]> {
  const inodes = await ownSocketInodes();
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state === '0A' && local !== undefined && inode !== undefined && inodes.has(inode)) ports.push(parseInt(local.split(':')[1] ?? '', 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

/** Inodes of the sockets among this process's open file descriptors. */
async function ownSocketInodes(): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match?.[1]) inodes.add(match[1]);
  }
  return inodes;
}
