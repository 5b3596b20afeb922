/**
 * The proof that a storage migration needs no handler change. The example app runs as a child
 * process, configured by environment variables only, through three deployments of one data
 * directory:
 *
 * 1. `nginx`: local files, delivered by nginx (X-Accel-Redirect);
 * 2. `migrating` (local files by nginx, S3 files by presigned redirect) while `sendoff migrate`
 *    copies the files to S3: every file is downloaded again and again during the copy;
 * 3. `s3`: everything from the bucket, by presigned redirect.
 *
 * Every body stays byte-identical to what the seed wrote, and no file of the app changes. The
 * bucket is on each S3 server of the test kit in turn: s3rver, then radosgw.
 */
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { SEED_FILES } from '../../examples/koa-app/src/seed/seed-data.js';
import { S3_TARGETS, type LocalS3 } from '@sendoff-tools/test-kit';
import { objectKeys, runCli, s3Env, type CliResult } from '../migrate/harness.js';
import { APP_DIR, startAppProcess, type AppProcess } from './app-process.js';
import { downloadEverything, signIn, uploadFile, type Download } from './downloads.js';
import { seedDigest, sha256 } from './seed-digest.js';
import { WriteGate } from './write-gate.js';

const BUCKET = 'sendoff-migration-e2e';
const USERS = ['alice', 'bob'] as const;
const DELIVERY_HEADERS = ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file', 'x-sendfile2'];
/** The seed's files (the doctor's probe under `_sendoff/` is sendoff's own and not migrated). */
const LOCAL_FILE_COUNT = SEED_FILES.length;
/** Download rounds during the copy before the test gives up (the copy needs far fewer). */
const MAX_ROUNDS = 60;
const UPLOADED = { name: 'uploaded while migrating.txt', contentType: 'text/plain; charset=utf-8', bytes: Buffer.from('written to S3 during the copy\n') };

interface Expected {
  sha256: string;
  contentType?: string;
  contentDisposition?: string;
}

interface Round {
  downloads: Download[];
  /** The copy was running when the round started and still running when it ended. */
  overlapped: boolean;
}

for (const target of S3_TARGETS) {
  describe(`e2e: local files to S3 (${target.name}) with no handler change (nginx → migrating → s3)`, function () {
    this.timeout(170_000);

    let s3: LocalS3 | undefined;
    let gate: WriteGate | undefined;
    let dataDir = '';
    let app: AppProcess | undefined;
    let migration: ChildProcess | undefined;
    let sourcesBefore: Map<string, string>;
    /** What every download of a file must give back, by file id (set by phase 1). */
    const expected = new Map<string, Expected>();

    before(async () => {
      sourcesBefore = await digestTree(join(APP_DIR, 'src'));
      s3 = await target.start(BUCKET);
      gate = await WriteGate.start(s3.endpoint);
      dataDir = await mkdtemp(join(tmpdir(), 'sendoff-e2e-migration-'));
      await chmod(dataDir, 0o755); // nginx's workers run as another user when the tests run as root
    });

    after(async () => {
      await app?.stop();
      if (migration && migration.exitCode === null && migration.signalCode === null) migration.kill('SIGKILL');
      await gate?.stop();
      await s3?.stop();
      if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
    });

    const s3Settings = () => ({
      S3_ENDPOINT: s3!.endpoint,
      S3_BUCKET: s3!.bucket,
      AWS_ACCESS_KEY_ID: s3!.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3!.credentials.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    });

    async function restart(profile: string, env: Record<string, string> = {}): Promise<Record<string, string>> {
      await app?.stop();
      app = undefined;
      app = await startAppProcess({ profile, dataDir, env });
      const tokens: Record<string, string> = {};
      for (const user of USERS) tokens[user] = await signIn(app.url, user);
      return tokens;
    }

    it('phase 1 (nginx): seeds the data directory; each user downloads every file they may read, through nginx', async () => {
      const tokens = await restart('nginx');
      expect(app!.output()).to.include('seeded a fresh data directory');
      const downloads = await downloadEverything(app!.url, tokens);
      for (const user of USERS) {
        const names = downloads.filter((d) => d.user === user).map((d) => d.file.name);
        expect(names.sort(), `files of ${user}`).to.deep.equal(seedNamesReadableBy(user));
      }
      for (const d of downloads) {
        const what = `${d.user}: ${d.file.name}`;
        expect(d.firstStatus, what).to.equal(200);
        expect(d.firstHeaders['server'], what).to.match(/^nginx/);
        expectNoDeliveryHeader(d);
        expect(d.size, what).to.equal(d.file.size);
        expect(d.sha256, what).to.equal(await seedDigest(d.file.name));
        const known = expected.get(d.file.id);
        if (known) expect(d.sha256, `${what} read by both users`).to.equal(known.sha256);
        expected.set(d.file.id, { sha256: d.sha256, ...dispositionAndType(d.finalHeaders) });
      }
      expect(expected.size).to.equal(SEED_FILES.length);
    });

    it('phase 2 (migrating): every file stays downloadable, byte-identical, while sendoff migrate copies them', async () => {
      const tokens = await restart('migrating', { ...s3Settings(), MIGRATING_LOCAL_DELIVERY: 'nginx' });
      expect(app!.output()).to.include('profile: migrating');

      // Before the copy: the files are local, so nginx serves them.
      for (const d of await downloadEverything(app!.url, tokens)) {
        expect(d.firstStatus, d.file.name).to.equal(200);
        expect(d.firstHeaders['server'], d.file.name).to.match(/^nginx/);
        expectSameAsBefore(d);
      }

      // An upload during the migration goes to the bucket, not to the local files.
      const uploaded = await uploadFile(app!.url, tokens['alice']!, UPLOADED.name, UPLOADED.contentType, UPLOADED.bytes);
      expected.set(uploaded.id, { sha256: sha256(UPLOADED.bytes) });
      const uploadedKeys = (await objectKeys(s3!.client, s3!.bucket)).filter((key) => key.startsWith('u/'));
      expect(uploadedKeys).to.have.length(1);
      expect(await localKeys(join(dataDir, 'files'))).to.not.include(uploadedKeys[0]);

      const filesDir = join(dataDir, 'files');
      let copying = true;
      const copy = runCli(['migrate', '--from', filesDir, '--to', `s3://${s3!.bucket}`, '--endpoint', gate!.endpoint, '--concurrency', '2', '--json'], {
        env: s3Env(gate!.endpoint, s3!.credentials),
        onSpawn: (child) => (migration = child),
      }).finally(() => (copying = false));
      // The copy is under way once its first write waits at the gate (nothing has landed yet).
      const endedEarly = copy.then((result) => {
        throw new Error(`migrate ended before its first write: ${describeRun(result)}`);
      });
      endedEarly.catch(() => undefined); // only the race below reports it
      await Promise.race([gate!.whenHolding(), endedEarly]);

      const rounds: Round[] = [];
      while (copying) {
        expect(rounds.length, 'download rounds during the copy').to.be.below(MAX_ROUNDS);
        const runningAtStart = copying;
        const downloads = await downloadEverything(app!.url, tokens);
        rounds.push({ downloads, overlapped: runningAtStart && copying });
        gate!.releaseHeld(); // the copy advances one step between rounds
      }
      const result = await copy;
      expect(result.code, describeRun(result)).to.equal(0);
      const report = JSON.parse(result.stdout) as { copied: number; failed: number };
      expect(report.failed).to.equal(0);
      expect(report.copied).to.equal(LOCAL_FILE_COUNT);

      const overlapped = rounds.filter((round) => round.overlapped);
      expect(overlapped.length, 'full download rounds while the copy ran').to.be.at.least(1);
      const mixed = overlapped.filter((round) => firstStatuses(round.downloads.filter((d) => d.file.id !== uploaded.id)).join() === '200,302');
      expect(mixed.length, 'rounds that saw some files in S3 and others still local').to.be.at.least(1);
      for (const d of rounds.flatMap((round) => round.downloads)) {
        if (d.file.id === uploaded.id) expect(d.firstStatus, 'the uploaded file is in S3 from the start').to.equal(302);
        expectServedFromWhereItIs(d);
        expectSameAsBefore(d);
      }

      // After the copy: everything is in the bucket, so everything is redirected.
      const after = await downloadEverything(app!.url, tokens);
      expect(after.length).to.equal(rounds[0]!.downloads.length);
      for (const d of after) {
        expect(d.firstStatus, d.file.name).to.equal(302);
        expectServedFromWhereItIs(d);
        expectSameAsBefore(d);
      }
    });

    it('phase 3 (s3): the same downloads come from the bucket through presigned redirects, byte-identical', async () => {
      const tokens = await restart('s3', s3Settings());
      expect(app!.output()).to.include('profile: s3');
      const downloads = await downloadEverything(app!.url, tokens);
      expect(new Set(downloads.map((d) => d.file.id))).to.deep.equal(new Set(expected.keys()));
      for (const d of downloads) {
        expect(d.firstStatus, d.file.name).to.equal(302);
        expect(d.firstHeaders['cache-control'], d.file.name).to.match(/^private, max-age=\d+$/);
        expectServedFromWhereItIs(d);
        expectSameAsBefore(d);
      }
    });

    it('no file of the app changed between the phases: only the environment did', async () => {
      const sourcesAfter = await digestTree(join(APP_DIR, 'src'));
      expect([...sourcesAfter.keys()]).to.include('profiles/migrating.ts');
      expect(Object.fromEntries(sourcesAfter)).to.deep.equal(Object.fromEntries(sourcesBefore));
    });

    function expectSameAsBefore(d: Download): void {
      const what = `${d.user}: ${d.file.name}`;
      const want = expected.get(d.file.id);
      expect(want, `${what} known`).to.not.equal(undefined);
      expect(d.finalStatus, what).to.equal(200);
      expect(d.size, what).to.equal(d.file.size);
      expect(d.sha256, what).to.equal(want!.sha256);
      const got = dispositionAndType(d.finalHeaders);
      if (want!.contentDisposition !== undefined) expect(got.contentDisposition, `${what} Content-Disposition`).to.equal(want!.contentDisposition);
      if (want!.contentType !== undefined) expect(got.contentType, `${what} Content-Type`).to.equal(want!.contentType);
    }

    /** 302 → a presigned URL of the bucket; 200 → nginx served the local file. */
    function expectServedFromWhereItIs(d: Download): void {
      const what = `${d.user}: ${d.file.name}`;
      expectNoDeliveryHeader(d);
      if (d.firstStatus === 302) {
        expect(d.location, what).to.match(new RegExp(`^${escapeRegExp(s3!.endpoint)}/${s3!.bucket}/u/[^?]+\\?.*X-Amz-Signature=[0-9a-f]{64}`));
      } else {
        expect(d.firstStatus, what).to.equal(200);
        expect(d.firstHeaders['server'], what).to.match(/^nginx/);
      }
    }
  });
}

function expectNoDeliveryHeader(d: Download): void {
  for (const header of DELIVERY_HEADERS) {
    expect(d.firstHeaders, `${d.file.name}: ${header}`).to.not.have.property(header);
    expect(d.finalHeaders, `${d.file.name}: ${header}`).to.not.have.property(header);
  }
}

function dispositionAndType(headers: Record<string, string>): { contentDisposition?: string; contentType?: string } {
  return {
    ...(headers['content-disposition'] === undefined ? {} : { contentDisposition: headers['content-disposition'] }),
    ...(headers['content-type'] === undefined ? {} : { contentType: headers['content-type'] }),
  };
}

function firstStatuses(downloads: Download[]): number[] {
  return [...new Set(downloads.map((d) => d.firstStatus))].sort();
}

function seedNamesReadableBy(user: string): string[] {
  return SEED_FILES.filter((file) => file.owner === user || file.sharedWith.includes(user))
    .map((file) => file.name)
    .sort();
}

/** The keys of the local storage root (relative paths with `/`). */
async function localKeys(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)).split('\\').join('/'));
}

/** sha256 of every file under `root`, by relative path. */
async function digestTree(root: string): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  for (const key of (await localKeys(root)).sort()) digests.set(key, sha256(await readFile(join(root, key))));
  return digests;
}

function describeRun(result: CliResult): string {
  return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n${result.stdout}\n${result.stderr}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
