/**
 * Shared by the server scripts: read the files root from argv, listen on 127.0.0.1 with an
 * ephemeral port, print `{"port":N}` on stdout, close on SIGTERM.
 */
import type { Server } from 'node:http';

/** The directory holding the benchmark files (first argument of the script). */
export function rootFromArgv(): string {
  const root = process.argv[2];
  if (!root) throw new Error('usage: <server script> <files root>');
  return root;
}

export function announce(server: Server): void {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  });
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
