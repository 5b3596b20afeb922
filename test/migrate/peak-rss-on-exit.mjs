// Preloaded into the CLI under test (NODE_OPTIONS=--import): writes the process's peak resident set
// size, in kilobytes, to the file SENDOFF_TEST_PEAK_RSS_FILE names, as the process exits.
import { writeFileSync } from 'node:fs';

const target = process.env.SENDOFF_TEST_PEAK_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
