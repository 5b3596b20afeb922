import type { ServerResponse } from 'node:http';

/** The responses a delivery has answered: nothing may be sent on them after it. */
const answered = new WeakSet<ServerResponse>();

export function markAnswered(res: ServerResponse): void {
  answered.add(res);
}

export function wasAnswered(res: ServerResponse): boolean {
  return answered.has(res);
}
