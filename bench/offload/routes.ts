/** The URL layout shared by the benchmark app, the nginx front and the measurements. */

/** Routes of the app (see servers/offload-app.ts). */
export const ROUTES = {
  accel: '/accel/',
  /** The same download over a LocalStorage with its opt-in lookup cache. */
  accelCached: '/accel-cached/',
  direct: '/direct/',
  bare: '/bare',
  resolve: '/resolve/',
  status: '/api/status',
  /** What the publishing benchmark's subscriber counted (servers/publish-app.ts). */
  deliveries: '/api/deliveries',
} as const;

/** nginx's internal location, reachable only through X-Accel-Redirect. */
export const INTERNAL_PREFIX = '/_protected/';

/** The plain static location added to the same nginx server for comparison. */
export const STATIC_PREFIX = '/static/';

/** What the bare route puts in its header (a constant, no file-system work). */
export const BARE_ACCEL_TARGET = `${INTERNAL_PREFIX}large/large.bin`;

/** `<route><key>` with each key segment percent-encoded. */
export function pathOf(route: string, key: string): string {
  return route + key.split('/').map(encodeURIComponent).join('/');
}
