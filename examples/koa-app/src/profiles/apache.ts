import { xSendfile } from '@sendoff/core';
import { offloadProfile } from './offload-profile.js';

/** Apache + mod_xsendfile in front: X-Sendfile with the absolute path under XSendFilePath. */
export const apache = offloadProfile('apache', 'local files delivered by Apache (X-Sendfile), directStream fallback', (root) =>
  xSendfile({ server: 'apache', root }),
);
