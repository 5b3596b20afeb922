import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SendoffError, validateKey } from '@sendoff/core';
import { createS3Client } from './create-s3-client.js';
import { S3Storage } from './s3-storage.js';

/** A TCP server that accepts connections and never answers: an S3 endpoint gone silent. */
async function silentEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('createS3Client time limits', () => {
  it('turns a silent endpoint into a 503 STORAGE_UNAVAILABLE instead of waiting for ever', async () => {
    const endpoint = await silentEndpoint();
    const client = createS3Client({
      endpoint: endpoint.url,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestTimeoutMs: 300,
      maxAttempts: 1,
    });
    try {
      const storage = new S3Storage({ client, bucket: 'silent' });
      let caught: unknown;
      try {
        await storage.stat(validateKey('any/file.txt'));
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(SendoffError);
      expect((caught as SendoffError).status).to.equal(503);
      expect((caught as SendoffError).code).to.equal('STORAGE_UNAVAILABLE');
      expect((caught as SendoffError).expose).to.equal(false);
      expect((caught as SendoffError).message).to.not.include('127.0.0.1');
    } finally {
      client.destroy();
      await endpoint.close();
    }
  });

  it('sets default time limits when none are given', async () => {
    const client = createS3Client({ endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
    try {
      const handler = client.config.requestHandler as unknown as { configProvider?: Promise<Record<string, unknown>> };
      const config = await handler.configProvider;
      expect(config?.['connectionTimeout']).to.equal(5_000);
      expect(config?.['requestTimeout']).to.equal(30_000);
    } finally {
      client.destroy();
    }
  });
});
