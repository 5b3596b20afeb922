/**
 * A download whose file changes size after the plan announced its length, on both platforms: the
 * response must not end as if it were whole. The connection is destroyed (no error body after the
 * 200 head, though Nest's exception layer stands behind the controller), and the failure is logged
 * through Nest's logger.
 */
import { SendoffError } from '@sendoff/core';
import { describeCutShort } from '@sendoff/core/testing';
import { expect } from 'chai';
import { CaptureLogger } from './capture-logger.js';
import { startDownloadApp } from './download-app.js';
import { PLATFORMS } from './nest-app.js';

for (const platform of PLATFORMS) {
  const logger = new CaptureLogger();
  describeCutShort(`@sendoff/nestjs on the ${platform} platform`, {
    start: (deliverer) => startDownloadApp(platform, deliverer, (urlPath) => ({ key: urlPath.slice(1) }), { logger }),
    async reported(transfer) {
      logger.errors.length = 0;
      await transfer();
      while (logger.errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // Each failed transfer is logged as an unexposed SendoffError (a client may retry once).
      expect(logger.loggedErrors()).to.have.length.within(1, 2);
      for (const error of logger.loggedErrors()) expect(error).to.be.instanceOf(SendoffError);
      return logger.loggedErrors()[0]!;
    },
  });
}
