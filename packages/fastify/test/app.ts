/** Starting a Fastify app of the tests on an ephemeral port of 127.0.0.1. */
import type { FastifyInstance } from 'fastify';

export interface Running {
  url: string;
  close(): Promise<void>;
}

export async function listen(app: FastifyInstance): Promise<Running> {
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
