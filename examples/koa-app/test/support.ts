import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { request as kitRequest, type RawResponse, type RequestOptions as KitRequestOptions } from '@sendoff-tools/test-kit';
import { SEED_FILES } from '../src/seed/seed-data.js';
import { startApp, type RunningApp, type StartAppOptions } from '../src/start-app.js';

/** A known secret, so tests can forge expired tokens and links. */
export const TEST_SECRET = 'test-secret-of-at-least-thirty-two-characters';

export interface TestApp {
  app: RunningApp;
  url: string;
  dataDir: string;
  /** What the app logged, one array of arguments per call. */
  logged: unknown[][];
  stop(): Promise<void>;
}

/** Starts the app in-process on 127.0.0.1:0 with a fresh temporary data directory. */
export async function startTestApp(options: Partial<StartAppOptions> = {}): Promise<TestApp> {
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-example-'));
  const logged: unknown[][] = [];
  const app = await startApp({
    port: 0,
    dataDir,
    env: { SENDOFF_APP_SECRET: TEST_SECRET },
    log: (...args) => logged.push(args),
    ...options,
  });
  return {
    app,
    url: app.url,
    dataDir,
    logged,
    stop: async () => {
      await app.close();
      await fsp.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type { RawResponse } from '@sendoff-tools/test-kit';

export interface RequestOptions extends KitRequestOptions {
  /** The session token, sent as `Authorization: Bearer <token>`. */
  token?: string;
}

/** One request to the app (see the test kit's `request`), signed in when given a token. */
export function request(url: string, options: RequestOptions = {}): Promise<RawResponse> {
  const { token, ...rest } = options;
  return kitRequest(url, token === undefined ? rest : { ...rest, headers: { ...rest.headers, Authorization: `Bearer ${token}` } });
}

/** A JSON request. */
export function sendJson(url: string, value: unknown, options: RequestOptions = {}): Promise<RawResponse> {
  return request(url, {
    method: 'POST',
    ...options,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: JSON.stringify(value),
  });
}

export async function signIn(base: string, user: string, password = user): Promise<string> {
  const res = await sendJson(`${base}/api/session`, { user, password });
  expect(res.status).to.equal(200);
  return res.json<{ token: string }>().token;
}

export interface AppWithUsers {
  t: TestApp;
  /** alice's and bob's session tokens. */
  alice: string;
  bob: string;
}

/** A test app (as `startTestApp` starts it) with the two seeded users signed in. */
async function startAppWithUsers(options: Partial<StartAppOptions> = {}): Promise<AppWithUsers> {
  const t = await startTestApp(options);
  try {
    return { t, alice: await signIn(t.url, 'alice'), bob: await signIn(t.url, 'bob') };
  } catch (error) {
    await t.stop();
    throw error;
  }
}

/**
 * For a suite: starts the app with alice and bob signed in before its tests and stops it after them.
 * The returned object is filled in by the `before` hook, so read its fields inside the tests.
 */
export function useAppWithUsers(options: Partial<StartAppOptions> = {}): AppWithUsers {
  const app = {} as AppWithUsers;
  before(async () => {
    Object.assign(app, await startAppWithUsers(options));
  });
  after(async () => {
    await app.t?.stop();
  });
  return app;
}

export interface Part {
  field: string;
  /** Sent as `filename*=UTF-8''…` (RFC 5987), so any name survives; `rawName` sends filename="…" as UTF-8 bytes. */
  filename?: string;
  rawName?: string;
  contentType?: string;
  bytes: Buffer;
}

/** A multipart/form-data body built byte by byte, so tests control exactly what the server parses. */
export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----sendoff-test-${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let disposition = `form-data; name="${part.field}"`;
    if (part.rawName !== undefined) disposition += `; filename="${part.rawName}"`;
    if (part.filename !== undefined) disposition += `; filename*=UTF-8''${encodeRfc5987(part.filename)}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n` + (part.contentType ? `Content-Type: ${part.contentType}\r\n` : '') + '\r\n';
    chunks.push(Buffer.from(head, 'utf8'), part.bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export async function upload(base: string, token: string, part: Omit<Part, 'field'>): Promise<RawResponse> {
  const { body, contentType } = multipart([{ field: 'file', ...part }]);
  return request(`${base}/api/files`, { method: 'POST', token, headers: { 'Content-Type': contentType }, body });
}

/** The id of the file a user uploads. */
export async function uploadedId(base: string, token: string, part: Omit<Part, 'field'>): Promise<string> {
  const uploaded = await upload(base, token, part);
  expect(uploaded.status).to.equal(201);
  return uploaded.json<{ id: string }>().id;
}

/** Uploads a hostile user could share: each runs script with the app's origin if a browser renders it. */
export const ACTIVE_UPLOADS: ReadonlyArray<Omit<Part, 'field'> & { filename: string; contentType: string }> = [
  { filename: 'invoice.html', contentType: 'text/html', bytes: Buffer.from('<!doctype html><script>fetch("/api/files").then((r) => r.text()).then(alert)</script>\n') },
  { filename: 'drawing.svg', contentType: 'image/svg+xml', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>\n') },
];

/** An upload of a type that may be shown inline. */
export const IMAGE_UPLOAD = { filename: 'photo.png', contentType: 'image/png', bytes: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(48, 9)]) };

/** The Content-Security-Policy downloads of active content carry. */
export const SANDBOX_CSP = "default-src 'none'; sandbox";

export interface ListedFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
  /** The user who owns the file. */
  owner: string;
  /** Whether the signed-in user may share the file and create long-lived links to it (only the owner). */
  canShare: boolean;
}

export async function listFiles(base: string, token: string): Promise<ListedFile[]> {
  const res = await request(`${base}/api/files`, { token });
  expect(res.status).to.equal(200);
  return res.json<ListedFile[]>();
}

export async function fileNamed(base: string, token: string, name: string): Promise<ListedFile> {
  const found = (await listFiles(base, token)).find((file) => file.name === name);
  expect(found, `file ${name}`).to.not.equal(undefined);
  return found!;
}

/** The bytes of a small seed file. */
export function seededBytes(name: string): Buffer {
  const seed = SEED_FILES.find((file) => file.name === name);
  if (seed === undefined) throw new Error(`no seed file ${name}`);
  const body = seed.body();
  if (!Buffer.isBuffer(body)) throw new Error(`seed file ${name} is not small`);
  return body;
}

/** Asserts the JSON error shape and returns its code. */
export function expectError(res: RawResponse, status: number, code?: string): void {
  expect(res.status).to.equal(status);
  expect(res.headers['content-type']).to.match(/^application\/json/);
  const body = res.json<{ error: { code: string; message: string } }>();
  expect(body.error).to.be.an('object');
  expect(body.error.code).to.be.a('string');
  expect(body.error.message).to.be.a('string');
  if (code !== undefined) expect(body.error.code).to.equal(code);
  const text = res.body.toString();
  expect(text).not.to.match(/at .+\(.+:\d+:\d+\)|node_modules|sendoff-example-/);
  expect(text).not.to.include(os.tmpdir());
}
