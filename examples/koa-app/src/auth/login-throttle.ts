import { LRUCache } from 'lru-cache';
import { tooManyRequests } from '../http/app-error.js';

export interface LoginLimits {
  /** Failed sign-ins allowed per user name in a window (known and unknown names alike). */
  perUser: number;
  /** Failed sign-ins allowed per client address in a window, whatever the names. */
  perAddress: number;
  /** Length of the fixed window that starts at the first counted attempt. */
  windowSeconds: number;
  /** Most names and addresses remembered at once; the least recently used are forgotten first. */
  maxTracked: number;
}

/**
 * 5 wrong passwords per user name and 20 per client address in 15 minutes. The per-name limit is
 * lower, so another user signing in from the same address keeps working while one name is locked.
 */
export const DEFAULT_LOGIN_LIMITS: Readonly<LoginLimits> = { perUser: 5, perAddress: 20, windowSeconds: 15 * 60, maxTracked: 10_000 };

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
 * Limits failed sign-ins in memory, per user name and per client address (fixed windows). An
 * attempt counts as failed from the moment it starts until it succeeds, so a burst of wrong
 * passwords starts at most `perUser` password checks. The store is bounded (`maxTracked`): a
 * flood of distinct names costs no more memory; it can only make the oldest counts be forgotten.
 */
export class LoginThrottle {
  readonly #limits: Readonly<LoginLimits>;
  readonly #now: () => number;
  readonly #windows: LRUCache<string, Window>;

  constructor(limits: Readonly<LoginLimits> = DEFAULT_LOGIN_LIMITS, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
    this.#windows = new LRUCache({ max: limits.maxTracked });
  }

  /** How many names and addresses are remembered now. */
  get tracked(): number {
    return this.#windows.size;
  }

  /** Counts an attempt before its password is checked; a 429 AppError with Retry-After when over a limit. */
  begin(user: string, address: string): LoginAttempt {
    const userKey = `user:${user}`;
    const addressKey = `address:${address}`;
    const now = this.#now();
    const retryAfterMs = Math.max(this.#blockedFor(userKey, this.#limits.perUser, now), this.#blockedFor(addressKey, this.#limits.perAddress, now));
    if (retryAfterMs > 0) throw tooManyRequests(Math.ceil(retryAfterMs / 1000));
    const addressWindow = this.#count(addressKey, now);
    this.#count(userKey, now);
    return {
      succeeded: () => {
        this.#windows.delete(userKey);
        if (this.#windows.get(addressKey) === addressWindow && addressWindow.count > 0) addressWindow.count -= 1;
      },
    };
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  #blockedFor(key: string, limit: number, now: number): number {
    const window = this.#current(key, now);
    return window !== undefined && window.count >= limit ? window.endsAt - now : 0;
  }

  #count(key: string, now: number): Window {
    const window = this.#current(key, now) ?? { count: 0, endsAt: now + this.#limits.windowSeconds * 1000 };
    window.count += 1;
    this.#windows.set(key, window);
    return window;
  }

  #current(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key);
    return window !== undefined && window.endsAt > now ? window : undefined;
  }
}
