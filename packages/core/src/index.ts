export type {
  Key,
  ByteRange,
  FileStat,
  FileLocation,
  LocalLocation,
  S3Location,
  LocationKind,
  LookupOptions,
  OpenOptions,
  PutMeta,
  Storage,
  DeliveryRequest,
  Disposition,
  ResolvedDeliveryOptions,
  ResolvedFile,
  DeliveryPlan,
  PlanHead,
  PlanBody,
  DeliveryStrategy,
  PlanProvider,
} from './contracts.js';
export * from './errors/index.js';
export * from './keys/index.js';
export { startWebServer, findWebServerBinary, findFreePort } from './servers/supervise.js';
export type { WebServerKind, StartWebServerOptions, RunningWebServer } from './servers/supervise.js';
export { installProbe, PROBE_PATH, PROBE_KEY, RESERVED_KEY_PREFIX, PROBE_EXPECT_PARAM, PROBE_CONTENT_TYPE } from './probe/probe.js';
export type { Probe, ProbeAnswer, ProbeExpectation, InstallProbeOptions } from './probe/probe.js';
export { inspectProbeResponse, isProbeBytes, checkOffloadInUse } from './probe/inspect-probe.js';
export type { ProbeCheck, ProbeInspection, ProbeDigest } from './probe/inspect-probe.js';
export { frontKindOf } from './probe/diagnose.js';
export type { FrontKind } from './probe/diagnose.js';
export { httpGet, headerOf } from './probe/http-get.js';
export type { RawResponse } from './probe/http-get.js';
export { appUrlOf } from './probe/app-url.js';
export { xAccel } from './strategies/x-accel.js';
export type { XAccelOptions, XAccelStrategy } from './strategies/x-accel.js';
export { caddyAccel } from './strategies/caddy-accel.js';
export type { CaddyAccelOptions, CaddyAccelStrategy } from './strategies/caddy-accel.js';
export { xSendfile } from './strategies/x-sendfile.js';
export type { XSendfileOptions, XSendfileStrategy } from './strategies/x-sendfile.js';
export { generateServerConfig } from './servers/index.js';
export { DEFAULT_MAX_BODY_BYTES } from './servers/config-input.js';
export type { ServerConfigInput, ServerConfig, OffloadStrategy, HostPort } from './servers/config-input.js';
export { HEADER_SURVIVAL, survivesHandoff } from './servers/header-survival.js';
export type { ServerKind, HeaderSurvival } from './servers/header-survival.js';
export * from './http/index.js';
export { directStream } from './strategies/direct-stream.js';
export type { DirectStreamOptions } from './strategies/direct-stream.js';
export { runServer, ROOT_WORKER_USER } from './servers/run-server.js';
export type { RunServerOptions, RunningServer } from './servers/run-server.js';
export { verifyFrontServer } from './servers/verify-front-server.js';
export type { VerifyFrontServerOptions } from './servers/verify-front-server.js';
export * from './storage/index.js';
export * from './policy/index.js';
export * from './deliverer/index.js';
export * from './inline/index.js';
export * from './links/index.js';
