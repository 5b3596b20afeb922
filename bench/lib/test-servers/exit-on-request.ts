/** A server that answers one request, then exits as a crashing server would. */
import { createServer } from 'node:http';

const server = createServer((_req, res) => {
  res.end('bye', () => process.exit(3));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
