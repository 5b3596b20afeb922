import { SendoffError } from '../errors/sendoff-error.js';

/**
 * The error an offload plan throws for a file its server cannot be told about (outside the root,
 * or a name the delivery header cannot carry). The policy checks `canServe` first and falls back,
 * so reaching this is a programming error: it renders as a 500 that says nothing of the path.
 */
export function notExpressible(owner: string, reason: string): SendoffError {
  return new SendoffError('NOT_EXPRESSIBLE', `${owner}: ${reason}`, { expose: false });
}
