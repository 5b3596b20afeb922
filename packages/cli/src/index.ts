// @sendoff/cli: the `sendoff` command (config, doctor, migrate), runnable from code as well.
export { run } from './main.js';
export type { Command, CommandIo } from './io.js';
export { UsageError, EXIT_OK, EXIT_FAILED, EXIT_USAGE } from './io.js';
