/** The plan of a redirect strategy: the redirect, with a Cache-Control that never outlives the URL. */
import type { DeliveryPlan } from '@sendoff/core';
import { cacheControlFor, type SigningWindow } from './redirect-lifetime.js';
import type { RedirectStatus } from './redirect-options.js';

export function redirectPlan(strategy: string, status: RedirectStatus, url: string, window: SigningWindow): DeliveryPlan {
  return {
    strategy,
    status,
    headers: { Location: url, 'Cache-Control': cacheControlFor(window) },
    body: 'redirect',
    location: url,
  };
}
