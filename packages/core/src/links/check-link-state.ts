/**
 * The stateful half of verifying a link: a revoked link or one used `maxUses` times is gone for
 * good (410), whichever process signed or serves it. A store that does not answer in time refuses
 * the link (503): the state of a single-use or revocable link is never guessed.
 */
import pTimeout from 'p-timeout';
import { SendoffError, configInvalid } from '../errors/sendoff-error.js';
import { DEFAULT_LINK_STORE_TIMEOUT_MS, type LinkStore, type LinkUse } from './link-store.js';

export interface LinkState {
  id?: string;
  maxUses?: number;
  expiresAt: Date;
}

/** Resolves when the link may be used now (and counts the use); rejects with LINK_REVOKED, LINK_USED_UP or LINK_UNAVAILABLE. */
export async function checkLinkState(link: LinkState, store: LinkStore | undefined): Promise<void> {
  if (link.id === undefined) return;
  if (store === undefined) {
    if (link.maxUses === undefined) return;
    throw configInvalid('link signer: a link with maxUses needs a link store to be checked');
  }
  const { id, maxUses } = link;
  const outcome = await bounded(store, async (signal): Promise<LinkUse> => {
    if (maxUses !== undefined) return store.use(id, maxUses, link.expiresAt, signal);
    return (await store.isRevoked(id)) ? 'revoked' : 'allowed';
  });
  if (outcome === 'revoked') throw new SendoffError('LINK_REVOKED', 'link revoked');
  if (outcome === 'used-up') throw new SendoffError('LINK_USED_UP', 'link already used');
}

/**
 * Runs a store call within the store's bound; a failure or a late answer is LINK_UNAVAILABLE (503),
 * and aborts the signal the call was given.
 */
export async function bounded<T>(store: LinkStore, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const given = new AbortController();
  try {
    return await pTimeout(Promise.resolve().then(() => call(given.signal)), { milliseconds: store.timeoutMs ?? DEFAULT_LINK_STORE_TIMEOUT_MS });
  } catch (error) {
    given.abort();
    throw new SendoffError('LINK_UNAVAILABLE', 'link cannot be checked right now', { cause: error, expose: true, headers: { 'Retry-After': '5' } });
  }
}
