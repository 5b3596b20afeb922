#!/usr/bin/env node
// The `sendoff` command: the compiled CLI (dist/, built before the package is packed). A deployment
// module written in TypeScript (sendoff.config.ts) is loaded through tsx by the CLI itself.
import { run } from '../dist/main.js';

process.exitCode = await run(process.argv.slice(2));
