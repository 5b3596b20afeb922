import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/**
 * `size` pseudo-random bytes, the same for the same `seed`, produced chunk by chunk (xorshift32)
 * so a large file never sits in memory.
 */
export function deterministicBytes(size: number, seed = 0x2545f491): Readable {
  let state = seed >>> 0 || 1;
  let remaining = size;
  return new Readable({
    read() {
      if (remaining <= 0) {
        this.push(null);
        return;
      }
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, remaining));
      for (let i = 0; i < chunk.length; i += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        const left = chunk.length - i;
        if (left >= 4) chunk.writeUInt32LE(state, i);
        else for (let j = 0; j < left; j++) chunk[i + j] = (state >>> (8 * j)) & 0xff;
      }
      remaining -= chunk.length;
      this.push(chunk);
    },
  });
}
