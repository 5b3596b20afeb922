import type { Socket } from 'node:net';

/** How long, and for how many more bytes, a closing connection keeps reading what the client still sends. */
const LINGER_MS = 2_000;
const LINGER_BYTES = 4 * 1024 * 1024;

/**
 * Makes the connection close gracefully once the current answer is sent: the server ends its side
 * and keeps reading (and discarding) for a bounded time and byte count before it closes. Closing
 * at once with unread bytes from the client makes the kernel reset the connection, and a client
 * still sending its body then loses the answer (a 413 or 401 it never sees). Node's HTTP server
 * closes a `Connection: close` answer's socket with `destroySoon`, which this replaces.
 */
export function lingerBeforeClosing(socket: Socket): void {
  socket.destroySoon = function lingeringClose(this: Socket): void {
    this.end();
    let discarded = 0;
    const close = (): void => {
      this.destroy();
    };
    const timer = setTimeout(close, LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    this.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) close();
    });
    this.resume();
  };
}
