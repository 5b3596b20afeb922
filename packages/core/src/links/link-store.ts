/**
 * Where the state of revocable and single-use links lives, so that any process can check a link:
 * Redis (`redisLinkStore` from `@sendoff/redis`), the app's database, or memory for one process.
 */

/** The outcome of using a link once. */
export type LinkUse = 'allowed' | 'revoked' | 'used-up';

export interface LinkStore {
  /** How long the signer waits for an answer before refusing the link with 503. Default 200 ms. */
  readonly timeoutMs?: number;
  /**
   * Counts one use of link `id` unless it is revoked or already used `maxUses` times, atomically
   * (two processes using the last use at once: one gets `used-up`). Its state may be forgotten
   * after `expiresAt`, when the link no longer verifies anyway. `signal` aborts when the signer
   * stops waiting (it refuses the link with 503): a store whose use may still be counted after
   * that (a late answer from a stalled server) gives that use back, so a retry is not refused as
   * used up.
   */
  use(id: string, maxUses: number, expiresAt: Date, signal?: AbortSignal): Promise<LinkUse>;
  /** Revokes link `id` until `expiresAt` (its state may be forgotten after it). */
  revoke(id: string, expiresAt: Date): Promise<void>;
  isRevoked(id: string): Promise<boolean>;
}

/** Default bound on a link store's answer, in milliseconds. */
export const DEFAULT_LINK_STORE_TIMEOUT_MS = 200;
