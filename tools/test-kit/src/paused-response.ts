/**
 * A GET whose response is paused before any body byte is consumed: for the checks of a client
 * that stops reading, or goes away, in the middle of a body.
 */
import { get as httpGet, type IncomingMessage } from 'node:http';

export function pausedResponse(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent: false }, (response) => {
      response.pause();
      resolve(response);
    });
    request.on('error', reject);
  });
}
