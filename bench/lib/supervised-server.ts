/**
 * A server under test that is restarted when it died between two measurements. A benchmark must
 * not silently measure connection errors against a dead process, nor stop all the others: each
 * restart is counted as a crash and reported next to the figures.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { startChildServer, type ChildServer, type StartOptions } from '@sendoff-tools/test-kit';

export class SupervisedServer {
  readonly #options: StartOptions;
  #current: ChildServer;
  #crashes = 0;
  #stopped = false;

  private constructor(options: StartOptions, current: ChildServer) {
    this.#options = options;
    this.#current = current;
  }

  static async start(options: StartOptions): Promise<SupervisedServer> {
    return new SupervisedServer(options, await startChildServer(options));
  }

  get name(): string {
    return this.#options.name;
  }

  /** The running process (its port changes after a restart). */
  get current(): ChildServer {
    return this.#current;
  }

  /** How many times the process was found dead without having been stopped. */
  get crashes(): number {
    return this.#crashes;
  }

  /** Restarts the process if it exited on its own; returns whether it had crashed. */
  async ensureRunning(): Promise<boolean> {
    if (!this.#current.exited) return false;
    this.#crashes++;
    this.#current = await startChildServer(this.#options);
    return true;
  }

  /** Stops the process, counting a crash if it had already died (a short grace lets an exit land). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await delay(300);
    if (this.#current.exited) this.#crashes++;
    await this.#current.stop();
  }
}
