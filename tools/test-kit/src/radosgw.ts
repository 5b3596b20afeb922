/**
 * A real S3 server for the tests: Ceph's radosgw over a one-node cluster (one monitor, one OSD
 * keeping its objects in memory) built from nothing in a temp directory. Everything listens on
 * 127.0.0.1: the monitor and radosgw on free ports, the OSD's messenger inside a port window that
 * starts at a free port. `stop()` stops every daemon (monitor last) and removes the directory.
 *
 * The daemons run in the foreground as children of this process (`-f`); a process that exits
 * without `stop()` kills them on its way out (see `killOnExit`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@sendoff/s3';
import { findExecutable, findFreePort } from '@sendoff-tools/web-servers';
import { hasExited, stopChild } from './child-server.js';
import { runOrFail } from './run-process.js';

/** The Debian packages that hold the binaries below. */
export const RADOSGW_PACKAGES = 'ceph-mon ceph-osd radosgw ceph-common';
const BINARIES = ['monmaptool', 'ceph-mon', 'ceph-osd', 'ceph', 'radosgw', 'radosgw-admin'] as const;
const REGION = 'us-east-1';
/** The default bound on a start: the monitor, the OSD, radosgw's first pools and the user, on a loaded machine. */
export const RADOSGW_START_TIMEOUT_MS = 120_000;
/** How many ports the OSD may pick from (it binds eight: v1 and v2 for four addresses). */
const MESSENGER_PORTS = 64;

export interface Radosgw {
  /** `http://127.0.0.1:port`. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A path-style client with the user's keys; destroyed by `stop()`. */
  client: S3Client;
  /** How long the cluster took from the first command to the user's keys, in ms. */
  startMs: number;
  /** The temp directory that holds the cluster (removed by `stop()`). */
  directory: string;
  /** The daemons' process ids: monitor, OSD, radosgw. */
  pids: number[];
  stop(): Promise<void>;
}

export interface StartRadosgwOptions {
  /** Bound on the whole start (default `RADOSGW_START_TIMEOUT_MS`); past it the start fails with the daemons' last log lines. */
  readyTimeoutMs?: number;
  /** Where to look for the Ceph binaries (default: PATH, then the sbin directories). */
  binDirs?: readonly string[];
}

interface Cluster {
  dir: string;
  config: string;
  daemons: ChildProcess[];
}

const running = new Set<Cluster>();

export async function startRadosgw(options: StartRadosgwOptions = {}): Promise<Radosgw> {
  const bin = binaries(options.binDirs);
  const began = Date.now();
  const deadline = began + (options.readyTimeoutMs ?? RADOSGW_START_TIMEOUT_MS);
  const dir = await mkdtemp(join(tmpdir(), 'sendoff-radosgw-'));
  const cluster: Cluster = { dir, config: join(dir, 'ceph.conf'), daemons: [] };
  running.add(cluster);
  killOnExit();
  try {
    const ports = { mon: await findFreePort(), s3: await findFreePort(), messenger: await findFreePort() };
    const fsid = randomUUID();
    for (const sub of ['mon', 'osd', 'run', 'rgw']) await mkdir(join(dir, sub));
    await writeFile(cluster.config, cephConf(dir, fsid, ports));
    const c = ['-c', cluster.config];
    const monAddress = `[v2:127.0.0.1:${ports.mon}]`;
    await runOrFail(bin.monmaptool, ['--create', '--addv', 'a', monAddress, '--fsid', fsid, join(dir, 'monmap')], { cwd: dir });
    await runOrFail(bin['ceph-mon'], [...c, '--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap')], { cwd: dir });
    cluster.daemons.push(daemon(bin['ceph-mon'], [...c, '-i', 'a', '-f'], dir));
    const ceph = (...args: string[]) => runOrFail(bin.ceph, [...c, '--connect-timeout', String(secondsLeft(deadline)), ...args], { cwd: dir });
    const osdId = (await ceph('osd', 'create')).stdout.trim();
    await runOrFail(bin['ceph-osd'], [...c, '-i', osdId, '--mkfs'], { cwd: dir });
    // The OSD puts itself in the CRUSH map when it starts (`osd crush update on start`).
    cluster.daemons.push(daemon(bin['ceph-osd'], [...c, '-i', osdId, '-f'], dir));
    cluster.daemons.push(daemon(bin.radosgw, [...c, '-n', 'client.rgw', '-f'], dir));
    const endpoint = `http://127.0.0.1:${ports.s3}`;
    await waitForS3(endpoint, cluster, deadline);
    const keys = { accessKeyId: `SENDOFF${randomBytes(6).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(24).toString('base64url') };
    const bound = String(secondsLeft(deadline));
    await runOrFail(bin['radosgw-admin'], [...c, '-n', 'client.admin', '--client-mount-timeout', bound, '--rados-osd-op-timeout', bound,
      'user', 'create', '--uid=sendoff', '--display-name=sendoff tests', `--access-key=${keys.accessKeyId}`, `--secret=${keys.secretAccessKey}`], { cwd: dir });
    const client = createS3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: keys });
    return {
      endpoint,
      region: REGION,
      ...keys,
      client,
      startMs: Date.now() - began,
      directory: dir,
      pids: cluster.daemons.map((child) => child.pid ?? 0),
      async stop() {
        client.destroy();
        await stopCluster(cluster);
      },
    };
  } catch (error) {
    const logs = await lastLogLines(dir);
    await stopCluster(cluster);
    throw new Error(`radosgw did not come up after ${Date.now() - began} ms: ${(error as Error).message}\n${logs}`);
  }
}

/** The absolute path of each binary; one clear error naming the Debian packages when one is missing. */
function binaries(dirs: readonly string[] | undefined): Record<(typeof BINARIES)[number], string> {
  const found = Object.fromEntries(BINARIES.map((name) => [name, findExecutable(name, dirs)]));
  const missing = BINARIES.filter((name) => found[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not found: install the Debian packages ${RADOSGW_PACKAGES} (apt-get install -y ${RADOSGW_PACKAGES})`);
  }
  return found as Record<(typeof BINARIES)[number], string>;
}

/**
 * No authentication inside the cluster (it listens on loopback only and lives for one test run),
 * plain CRC framing (the daemons' default "secure" mode needs cephx), one replica, few placement
 * groups; the monitor neither warns about nor refuses a nearly full disk (it holds a few MiB).
 */
function cephConf(dir: string, fsid: string, ports: { mon: number; s3: number; messenger: number }): string {
  return `[global]
fsid = ${fsid}
mon host = [v2:127.0.0.1:${ports.mon}]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind port min = ${ports.messenger}
ms bind port max = ${Math.min(ports.messenger + MESSENGER_PORTS, 65535)}
auth cluster required = none
auth service required = none
auth client required = none
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon data avail warn = 1
mon data avail crit = 0
osd objectstore = memstore
memstore device bytes = 1073741824
osd crush chooseleaf type = 0
mon data = ${dir}/mon
osd data = ${dir}/osd
run dir = ${dir}/run
admin socket = ${dir}/run/$name.$pid.asok
log file = ${dir}/$name.log
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${ports.s3}
rgw data = ${dir}/rgw
`;
}

function daemon(command: string, args: string[], cwd: string): ChildProcess {
  const child = spawn(command, args, { cwd, stdio: 'ignore' });
  child.on('error', () => undefined); // a spawn failure shows as an early exit
  return child;
}

function secondsLeft(deadline: number): number {
  return Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
}

/** Polls `GET /` until radosgw answers 200; fails early when a daemon dies. */
async function waitForS3(endpoint: string, cluster: Cluster, deadline: number): Promise<void> {
  for (;;) {
    const dead = cluster.daemons.find(hasExited);
    if (dead) throw new Error(`${dead.spawnfile} exited with ${dead.exitCode ?? dead.signalCode}`);
    try {
      const response = await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no 200 from GET ${endpoint}/ in time`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopCluster(cluster: Cluster): Promise<void> {
  for (const child of [...cluster.daemons].reverse()) await stopChild(child);
  running.delete(cluster);
  await rm(cluster.dir, { recursive: true, force: true });
}

async function lastLogLines(dir: string, lines = 15): Promise<string> {
  const parts: string[] = [];
  for (const name of ['mon.a.log', 'osd.0.log', 'client.rgw.log', 'client.admin.log']) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    if (text) parts.push(`--- ${name}\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`);
  }
  return parts.join('\n');
}

let exitHooked = false;

/** A process that ends without `stop()` still takes its daemons and their directory with it. */
function killOnExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const cluster of running) {
      for (const child of cluster.daemons) if (!hasExited(child)) child.kill('SIGKILL');
      rmSync(cluster.dir, { recursive: true, force: true });
    }
  });
}
