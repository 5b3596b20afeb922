export { runServer } from './run-server.js';
export type { RunServerOptions, RunningServer } from './run-server.js';
export { startWebServer, findWebServerBinary, findFreePort } from './supervise.js';
export type { WebServerKind, StartWebServerOptions, RunningWebServer } from './supervise.js';
export { ROOT_WORKER_USER, workerIds } from './worker-user.js';
export type { WorkerIds } from './worker-user.js';
