/**
 * The adapter conformance kit over a real Nest application, on the Express platform and on the
 * Fastify platform: a controller takes `@Req()` and `@Res()` and calls `SendoffService.deliver`;
 * directStream, and xAccel behind the real nginx its generated config runs.
 */
import { runServer } from '@sendoff-tools/web-servers';
import { describeAdapterConformance } from '@sendoff/core/testing';
import { startDownloadApp } from './download-app.js';
import { PLATFORMS } from './nest-app.js';

for (const platform of PLATFORMS) {
  describeAdapterConformance({
    name: `@sendoff/nestjs on the ${platform} platform`,
    serve: async (deliverer, resolve) => {
      const { url, close } = await startDownloadApp(platform, deliverer, resolve);
      return { url, close };
    },
    nginx: (strategy, upstream) => runServer({ server: 'nginx', strategy, upstream }),
  });
}
