/**
 * The measured route of the example app, `GET /api/files/:id/download` as the seeded user alice,
 * and the check run before any load: the answer each target must give, byte for byte.
 */
import { strict as assert } from 'node:assert';

/** A small seeded file (examples/koa-app/src/seed/seed-data.ts), the same in every profile. */
export const FILE_NAME = 'hello world.txt';
export const FILE_BYTES = Buffer.from('Hello, world!\n');
const USER = 'alice';

export type Answer = 'bytes' | 'redirect';

export interface DownloadRoute {
  /** Path of the route for the file. */
  path: string;
  /** Header that signs the request in. */
  authorization: string;
}

/** Signs in and finds the file's id. */
export async function findDownloadRoute(appUrl: string): Promise<DownloadRoute> {
  const session = await fetch(`${appUrl}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: USER, password: USER }),
  });
  assert.equal(session.status, 200, 'sign-in');
  const { token } = (await session.json()) as { token: string };
  const authorization = `Bearer ${token}`;
  const list = await fetch(`${appUrl}/api/files`, { headers: { Authorization: authorization } });
  assert.equal(list.status, 200, 'file list');
  const file = ((await list.json()) as Array<{ id: string; name: string }>).find((entry) => entry.name === FILE_NAME);
  assert.ok(file, `the seeded file "${FILE_NAME}" is listed`);
  return { path: `/api/files/${encodeURIComponent(file.id)}/download`, authorization };
}

/**
 * Fails unless the route answers as expected: `bytes` is a 200 with exactly the file; `redirect`
 * is a 302 (not followed by the load) whose Location serves exactly the file.
 */
export async function verifyDownload(appUrl: string, route: DownloadRoute, answer: Answer): Promise<void> {
  const response = await fetch(`${appUrl}${route.path}`, { headers: { Authorization: route.authorization }, redirect: 'manual' });
  if (answer === 'bytes') {
    assert.equal(response.status, 200, `${appUrl}: status`);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(FILE_BYTES), `${appUrl}: body bytes`);
    return;
  }
  assert.equal(response.status, 302, `${appUrl}: status`);
  await response.arrayBuffer();
  const location = response.headers.get('location');
  assert.ok(location, `${appUrl}: Location`);
  const target = await fetch(location);
  assert.equal(target.status, 200, 'the redirect target: status');
  assert.ok(Buffer.from(await target.arrayBuffer()).equals(FILE_BYTES), 'the redirect target: body bytes');
}
