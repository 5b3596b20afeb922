// @sendoff/core/servers: the web-server configs that match an offload strategy (nginx, Apache,
// lighttpd, Caddy), what survives the handoff to each server, and the checks of a running
// deployment (the start-up check and the doctor).
export { generateServerConfig } from './generate-server-config.js';
export { DEFAULT_MAX_BODY_BYTES } from './config-input.js';
export type { ServerConfigInput, ServerConfig, OffloadStrategy, HostPort } from './config-input.js';
export { APACHE_MODULES_DIR } from './apache.js';
export { HEADER_SURVIVAL, survivesHandoff } from '../strategies/header-survival.js';
export type { ServerKind, HeaderSurvival } from '../strategies/header-survival.js';
export { DEFAULT_INTERNAL_PREFIX } from '../strategies/internal-prefix.js';
export { verifyFrontServer } from './verify-front-server.js';
export type { VerifyFrontServerOptions } from './verify-front-server.js';
export { runDoctor } from '../probe/run-doctor.js';
export type { DoctorOptions, DoctorReport, DoctorCheck } from '../probe/run-doctor.js';
