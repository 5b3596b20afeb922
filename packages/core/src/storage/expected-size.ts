import type { FileStat, LookupOptions } from '../contracts.js';

/** Whether `stat` describes the file `options` asks for: any size when none is expected. */
export function hasExpectedSize(stat: FileStat, options: LookupOptions | undefined): boolean {
  return options?.expectedSize === undefined || stat.size === options.expectedSize;
}
