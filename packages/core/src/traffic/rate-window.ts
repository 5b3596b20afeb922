/**
 * A sliding-window rate: a ring of per-second buckets, each stamped with the second it counts, so
 * a bucket left over from an earlier lap of the ring counts as empty. O(window) to read, O(1) to add.
 * (The metrics libraries on npm measure exponentially weighted rates, not a window of whole seconds.)
 */
export class RateWindow {
  readonly #seconds: number;
  readonly #now: () => number;
  readonly #amounts: number[];
  readonly #stamps: number[];

  /** `seconds`: the window's length; `now`: milliseconds since the epoch (default `Date.now`). */
  constructor(seconds: number, now: () => number = Date.now) {
    this.#seconds = seconds;
    this.#now = now;
    this.#amounts = new Array<number>(seconds).fill(0);
    this.#stamps = new Array<number>(seconds).fill(-1);
  }

  /** Counts `amount` in the current second. */
  add(amount: number): void {
    const second = this.#second();
    const slot = second % this.#seconds;
    if (this.#stamps[slot] !== second) {
      this.#stamps[slot] = second;
      this.#amounts[slot] = 0;
    }
    this.#amounts[slot] = (this.#amounts[slot] as number) + amount;
  }

  /** The sum over the window: this second and the `seconds - 1` before it. */
  total(): number {
    const oldest = this.#second() - this.#seconds;
    let sum = 0;
    for (let slot = 0; slot < this.#seconds; slot++) if ((this.#stamps[slot] as number) > oldest) sum += this.#amounts[slot] as number;
    return sum;
  }

  /** The sum over the window divided by its length. */
  perSecond(): number {
    return this.total() / this.#seconds;
  }

  #second(): number {
    return Math.floor(this.#now() / 1000);
  }
}
