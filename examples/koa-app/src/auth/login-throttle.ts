import { LRUCache } from 'lru-cache';
import { tooManyRequests } from '../http/app-error.js';

export interface LoginLimits {
  /** Failed sign-ins allowed per user name from one client address in a window. */
  perUserAndAddress: number;
  /**
   * Failed sign-ins allowed per user name from all addresses together in a window (known and
   * unknown names alike): bounds guessing spread over many addresses. Far above
   * `perUserAndAddress`, so one address alone cannot lock a user out everywhere.
   */
  perUser: number;
  /** Failed sign-ins allowed per client address in a window, whatever the names. */
  perAddress: number;
  /** Length of the fixed window that starts at the first counted attempt. */
  windowSeconds: number;
  /**
   * Most names and addresses remembered at once; the least recently used are forgotten first.
   * Those over a limit are kept apart (up to as many again), so a flood cannot lift a refusal.
   */
  maxTracked: number;
}

/**
 * In 15 minutes: 5 wrong passwords per user name from one address, 100 per user name from all
 * addresses, 20 per address whatever the names. The name-and-address limit is the lowest, so the
 * user keeps signing in from another address, and another user from the same one, while a guesser
 * is held back.
 */
export const DEFAULT_LOGIN_LIMITS: Readonly<LoginLimits> = {
  perUserAndAddress: 5,
  perUser: 100,
  perAddress: 20,
  windowSeconds: 15 * 60,
  maxTracked: 10_000,
};

/** One sign-in whose password is being checked. */
export interface LoginAttempt {
  /** The password was right: the user's failures are forgotten, the address gets its attempt back. */
  succeeded(): void;
}

interface Window {
  count: number;
  /** When the window is over, milliseconds since the epoch. */
  endsAt: number;
}

/**
 * Limits failed sign-ins in memory, per user name and client address, per user name and per client
 * address (fixed windows). An attempt counts as failed from the moment it starts until it succeeds,
 * so a burst of wrong passwords from one address starts at most `perUserAndAddress` password checks. The store is bounded (`maxTracked`): a
 * flood of distinct names costs no more memory; it can only make the oldest counts be forgotten.
 */
export class LoginThrottle {
  readonly #limits: Readonly<LoginLimits>;
  readonly #now: () => number;
  readonly #windows: LRUCache<string, Window>;
  /**
   * Windows over their limit: apart from the others, so that distinct names flooding `#windows`
   * cannot evict a refusal. Filling it takes failures that are themselves refused.
   */
  readonly #refused: LRUCache<string, Window>;

  constructor(limits: Readonly<LoginLimits> = DEFAULT_LOGIN_LIMITS, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
    this.#windows = new LRUCache({ max: limits.maxTracked });
    this.#refused = new LRUCache({ max: limits.maxTracked });
  }

  /** How many names and addresses are remembered now. */
  get tracked(): number {
    return this.#windows.size + this.#refused.size;
  }

  /** Counts an attempt before its password is checked; a 429 AppError with Retry-After when over a limit. */
  begin(user: string, address: string): LoginAttempt {
    const pairKey = `user+address:${JSON.stringify([user, address])}`;
    const userKey = `user:${user}`;
    const addressKey = `address:${address}`;
    const now = this.#now();
    const retryAfterMs = Math.max(
      this.#blockedFor(pairKey, this.#limits.perUserAndAddress, now),
      this.#blockedFor(userKey, this.#limits.perUser, now),
      this.#blockedFor(addressKey, this.#limits.perAddress, now),
    );
    if (retryAfterMs > 0) throw tooManyRequests(Math.ceil(retryAfterMs / 1000));
    const addressWindow = this.#count(addressKey, this.#limits.perAddress, now);
    this.#count(userKey, this.#limits.perUser, now);
    this.#count(pairKey, this.#limits.perUserAndAddress, now);
    return {
      succeeded: () => {
        this.#forget(pairKey);
        this.#forget(userKey);
        if (addressWindow.count > 0) addressWindow.count -= 1;
        if (addressWindow.count < this.#limits.perAddress) this.#refused.delete(addressKey);
      },
    };
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  #blockedFor(key: string, limit: number, now: number): number {
    const window = this.#current(key, now);
    return window !== undefined && window.count >= limit ? window.endsAt - now : 0;
  }

  #count(key: string, limit: number, now: number): Window {
    const window = this.#current(key, now) ?? { count: 0, endsAt: now + this.#limits.windowSeconds * 1000 };
    window.count += 1;
    this.#windows.set(key, window);
    if (window.count >= limit) this.#refused.set(key, window);
    return window;
  }

  #current(key: string, now: number): Window | undefined {
    const window = this.#refused.get(key) ?? this.#windows.get(key);
    return window !== undefined && window.endsAt > now ? window : undefined;
  }

  #forget(key: string): void {
    this.#windows.delete(key);
    this.#refused.delete(key);
  }
}
