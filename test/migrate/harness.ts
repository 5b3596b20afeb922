/**
 * What the migration tests share: an s3rver on 127.0.0.1 (ephemeral port, temp directory) that
 * counts the objects created per key, temp source trees, the real CLI run as a child process, and
 * digests of local files and stored objects.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chown, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@sendoff/s3';
import { runProcess, type ProcessResult } from '@sendoff-tools/test-kit';
import S3rver from 's3rver';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'packages', 'cli', 'src', 'main.ts');
export const BUCKET = 'migration-test';

interface S3Event {
  Records: { eventName: string; s3: { object: { key: string } } }[];
}

export class LocalS3 {
  /** Object keys created (PUT or multipart completion), in order, since the last `resetCreated`. */
  created: string[] = [];
  client!: S3Client;
  endpoint = '';

  private constructor(
    readonly directory: string,
    private readonly server: S3rver,
  ) {}

  static async start(): Promise<LocalS3> {
    const directory = await mkdtemp(join(tmpdir(), 'sendoff-migrate-s3-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: process.env.S3RVER_DEBUG !== '1', directory });
    const s3 = new LocalS3(directory, server);
    (server as unknown as NodeJS.EventEmitter).on('event', (event: S3Event) => {
      for (const record of event.Records) {
        if (record.eventName.startsWith('ObjectCreated')) s3.created.push(record.s3.object.key);
      }
    });
    const { port } = await server.run();
    s3.endpoint = `http://127.0.0.1:${port}`;
    s3.client = createS3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    return s3;
  }

  async createBucket(name: string): Promise<void> {
    await this.client.send(new CreateBucketCommand({ Bucket: name }));
  }

  async objectKeys(bucket: string): Promise<string[]> {
    const listed = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
    return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
  }

  async objectDigest(bucket: string, key: string): Promise<string> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return digestOf(object.Body as Readable);
  }

  async contentType(bucket: string, key: string): Promise<string | undefined> {
    return (await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentType;
  }

  /** Where s3rver keeps the bytes of an object (to change them behind its back). */
  objectPath(bucket: string, key: string): string {
    const parts = key.split('/');
    const name = parts.pop() ?? '';
    return join(this.directory, bucket, ...parts, `${name}._S3rver_object`);
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.server.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}

export async function digestOf(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function fileDigest(path: string): Promise<string> {
  return digestOf(createReadStream(path));
}

/** Deterministic bytes (a seeded xorshift), so a failing test can be replayed. */
export function bytesFor(seed: number, size: number): Buffer {
  const words = Math.ceil(size / 4);
  const buffer = Buffer.alloc(words * 4);
  let state = ((seed + 1) * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    buffer.writeUInt32LE(state, i * 4);
  }
  return buffer.subarray(0, size);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `sendoff-migrate-${label}-`));
}

/** Writes `files` (relative path → content) under `root`. */
export async function writeTree(root: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, ...name.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

/** Relative paths of every regular file under `root`, `/`-separated, sorted. */
export async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(root.length + 1).split('\\').join('/'))
    .sort();
}

export async function chownTree(root: string, uid: number): Promise<void> {
  await chown(root, uid, uid);
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    await chown(join(entry.parentPath ?? entry.path, entry.name), uid, uid);
  }
}

export type CliResult = ProcessResult;

export interface CliOptions {
  env?: Record<string, string | undefined>;
  uid?: number;
  /** Called once the child is running (to kill it, for instance). */
  onSpawn?: (child: ChildProcess) => void;
}

export function s3Env(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: endpoint,
  };
}

/** Runs `sendoff <args>` from the sources, as a user would, and collects its output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_NO_WARNINGS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...options.env,
  };
  return runProcess(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)) as NodeJS.ProcessEnv,
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
  });
}

export interface JsonReport {
  copied: number;
  wouldCopy: number;
  skipped: number;
  failed: number;
  ignored: number;
  deleted: number;
  bytes: number;
  aborted?: string;
  notAttempted: number;
  files: { key: string; status: string; size?: number; reason?: string; deleted?: boolean; attempts?: number }[];
}

export function parseReport(result: CliResult): JsonReport {
  try {
    return JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`not a JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** The valid lines of a journal file. */
export function journalKeys(text: string): string[] {
  const keys: string[] = [];
  for (const line of text.split('\n')) {
    try {
      keys.push((JSON.parse(line) as { key: string }).key);
    } catch {
      // torn or empty line
    }
  }
  return keys;
}
