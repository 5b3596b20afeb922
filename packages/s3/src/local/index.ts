export { startLocalS3Server } from './local-s3-server.js';
export type { LocalS3Server, LocalS3ServerOptions } from './local-s3-server.js';
