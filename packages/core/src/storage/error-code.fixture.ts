import { SendoffError } from '../errors/sendoff-error.js';

/** The code of the SendoffError `promise` rejects with, `'resolved'` when it resolves; anything else is rethrown. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SendoffError) return error.code;
    throw error;
  }
  return 'resolved';
}
