import { xSendfile } from '@sendoff/core';
import { offloadProfile } from './offload-profile.js';

/** lighttpd in front: mod_proxy with x-sendfile, limited to the files root by x-sendfile-docroot. */
export const lighttpd = offloadProfile('lighttpd', 'local files delivered by lighttpd (X-Sendfile), directStream fallback', (root) =>
  xSendfile({ server: 'lighttpd', root }),
);
