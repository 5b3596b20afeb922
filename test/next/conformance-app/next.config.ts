// The example's configuration (no compression, the repository root for the @sendoff sources).
export { default } from '../../../examples/next/next.config.ts';
