import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

/** The repository root: the @sendoff packages are compiled from their sources there. */
const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const config: NextConfig = {
  // Downloads keep their bytes and their Content-Length: a gzipped 206 would no longer be the
  // range its Content-Range names.
  compress: false,
  turbopack: { root: repositoryRoot },
  outputFileTracingRoot: repositoryRoot,
  // The repository's own typecheck covers this app; the build only compiles it.
  typescript: { ignoreBuildErrors: true },
};

export default config;
