import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { declaresMoreThan } from './declared-length.js';

/**
 * A `checkContinue` listener for `Expect: 100-continue` requests: Node would otherwise send
 * `100 Continue` to every one of them, inviting the client to send a body the app then refuses.
 * A request declaring more than `maxBodyBytes` goes to the app without it (the app answers 413
 * before reading, and the client never sends the body); any other gets its `100 Continue` first.
 */
export function continueWithinLimit(handler: RequestListener, maxBodyBytes: number): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!declaresMoreThan(req, maxBodyBytes)) res.writeContinue();
    handler(req, res);
  };
}
