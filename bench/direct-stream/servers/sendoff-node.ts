/**
 * Contender: node:http + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, called with `deliver` of `@sendoff/core/node`, as an application would.
 */
import { rootFromArgv } from './announce.js';
import { directStreamDeliverer } from './deliverer.js';
import { serveDeliveries } from './node-deliveries.js';

serveDeliveries(directStreamDeliverer(rootFromArgv()));
