/**
 * A plain HTTP client of the example app's API (fetch): sign in, list what a user may read,
 * download it. A redirect is followed by hand, without the app's Authorization header, as a
 * browser would follow a redirect to another origin; both hops are kept for the assertions.
 */
import { createHash } from 'node:crypto';

export interface ListedFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

/** One download of one file by one user. */
export interface Download {
  user: string;
  file: ListedFile;
  /** Status of the app's answer: 200 (served) or 302 (redirected). */
  firstStatus: number;
  firstHeaders: Record<string, string>;
  /** Where the app redirected to, for a 302. */
  location?: string;
  /** Status and headers of the answer that carried the body. */
  finalStatus: number;
  finalHeaders: Record<string, string>;
  size: number;
  sha256: string;
}

export async function signIn(baseUrl: string, user: string, password = user): Promise<string> {
  const res = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${user} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function listFiles(baseUrl: string, token: string): Promise<ListedFile[]> {
  const res = await fetch(`${baseUrl}/api/files`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET /api/files answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as ListedFile[];
}

/** Every file each user may read, downloaded once, all at the same time. */
export async function downloadEverything(baseUrl: string, tokens: Readonly<Record<string, string>>): Promise<Download[]> {
  const jobs: Array<Promise<Download>> = [];
  for (const [user, token] of Object.entries(tokens)) {
    for (const file of await listFiles(baseUrl, token)) jobs.push(download(baseUrl, user, token, file));
  }
  return Promise.all(jobs);
}

export async function download(baseUrl: string, user: string, token: string, file: ListedFile): Promise<Download> {
  const first = await fetch(`${baseUrl}/api/files/${file.id}/download`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  const firstHeaders = headersOf(first);
  const location = first.status === 302 ? (first.headers.get('location') ?? '') : undefined;
  let final = first;
  if (location !== undefined) {
    await first.body?.cancel();
    final = await fetch(location, { redirect: 'manual' });
  }
  const body = Buffer.from(await final.arrayBuffer());
  return {
    user,
    file,
    firstStatus: first.status,
    firstHeaders,
    ...(location === undefined ? {} : { location }),
    finalStatus: final.status,
    finalHeaders: headersOf(final),
    size: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
  };
}

/** Uploads `bytes` as `name` (multipart, field `file`); answers the new file as listed. */
export async function uploadFile(baseUrl: string, token: string, name: string, contentType: string, bytes: Buffer): Promise<ListedFile> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), name);
  const res = await fetch(`${baseUrl}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 201) throw new Error(`upload of ${name} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as ListedFile;
}

function headersOf(res: Response): Record<string, string> {
  return Object.fromEntries(res.headers.entries());
}
