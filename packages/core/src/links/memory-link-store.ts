/**
 * A link store in this process's memory: for one process, tests and development. A fleet needs a
 * shared store (Redis, the app's database) so a use or a revocation counts everywhere.
 */
import type { LinkStore, LinkUse } from './link-store.js';

interface LinkState {
  uses: number;
  revoked: boolean;
  /** Milliseconds since the epoch after which the state is dropped. */
  forgetAt: number;
}

export interface MemoryLinkStoreOptions {
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

export function memoryLinkStore(options: MemoryLinkStoreOptions = {}): LinkStore {
  const now = options.now ?? Date.now;
  const states = new Map<string, LinkState>();
  const stateOf = (id: string): LinkState | undefined => {
    const state = states.get(id);
    if (state !== undefined && state.forgetAt <= now()) states.delete(id);
    return states.get(id);
  };
  const forget = () => {
    for (const [id, state] of states) if (state.forgetAt <= now()) states.delete(id);
  };
  const ensure = (id: string, expiresAt: Date): LinkState => {
    const state = stateOf(id) ?? { uses: 0, revoked: false, forgetAt: 0 };
    state.forgetAt = Math.max(state.forgetAt, expiresAt.getTime());
    states.set(id, state);
    return state;
  };
  return {
    async use(id, maxUses, expiresAt): Promise<LinkUse> {
      forget();
      const state = ensure(id, expiresAt);
      if (state.revoked) return 'revoked';
      if (state.uses >= maxUses) return 'used-up';
      state.uses++;
      return 'allowed';
    },
    async revoke(id, expiresAt) {
      ensure(id, expiresAt).revoked = true;
    },
    async isRevoked(id) {
      return stateOf(id)?.revoked ?? false;
    },
  };
}
