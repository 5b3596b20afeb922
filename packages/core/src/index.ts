// @sendoff/core: the contracts, the Deliverer, the storages, the strategies, the policy types and
// the errors. HTTP helpers are under `@sendoff/core/http`, web-server configs and checks under
// `@sendoff/core/servers`, the conformance kit under `@sendoff/core/testing`.
export type {
  Key,
  ByteRange,
  FileStat,
  FileFact,
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

// Errors
export { SendoffError, isSendoffError, invalidKey, notFound, configInvalid } from './errors/sendoff-error.js';
export type { SendoffErrorCode, SendoffErrorOptions } from './errors/sendoff-error.js';

// Keys
export { validateKey, isValidKey, MAX_KEY_BYTES, MAX_SEGMENT_BYTES } from './keys/validate-key.js';

// The Deliverer
export { createDelivery } from './deliverer/create-delivery.js';
export { MAX_FILENAME_BYTES, MAX_CONTENT_TYPE_BYTES, MAX_EXTRA_HEADER_BYTES } from './deliverer/resolve-options.js';
export type { DeliveryConfig, DeliverOptions, RecordedFacts, FactSource, DeliveryResult, DeliveryExplanation, Deliverer } from './deliverer/types.js';

// Diagnostics: every delivery on node:diagnostics_channel
export { DELIVER_CHANNEL, STREAM_OPEN_CHANNEL, STREAM_CLOSE_CHANNEL } from './diagnostics/channels.js';
export type { DeliveryMessage, StreamReport } from './diagnostics/channels.js';

// Storage: where the bytes live
export { LocalStorage } from './storage/local-storage.js';
export type { LocalStorageCacheOptions, LocalStorageOptions } from './storage/local-storage.js';
export { FallbackStorage } from './storage/fallback-storage.js';
export { takeWholeBody } from './storage/whole-body.js';

// Strategies: how the bytes leave
export { directStream } from './strategies/direct-stream.js';
export type { DirectStreamOptions } from './strategies/direct-stream.js';
export { xAccel } from './strategies/x-accel.js';
export type { XAccelOptions, XAccelStrategy } from './strategies/x-accel.js';
export { caddyAccel } from './strategies/caddy-accel.js';
export type { CaddyAccelOptions, CaddyAccelStrategy } from './strategies/caddy-accel.js';
export { xSendfile } from './strategies/x-sendfile.js';
export type { XSendfileOptions, XSendfileStrategy } from './strategies/x-sendfile.js';

// Policy: which strategy, for this request
export type {
  PolicyContext,
  RuleConditions,
  PolicyRule,
  PolicyConfig,
  Decision,
  DecisionSummary,
  RuleExplanation,
  Explanation,
  Policy,
  TrafficScope,
  TrafficThreshold,
} from './policy/types.js';

// Traffic: what the traffic conditions read, in this process or the whole fleet
export { localTraffic, DEFAULT_WINDOW_SECONDS } from './traffic/local-traffic.js';
export type { LocalTraffic, LocalTrafficOptions } from './traffic/local-traffic.js';
export { DEFAULT_TRAFFIC_TIMEOUT_MS } from './traffic/types.js';
export type { TrafficSnapshot, TrafficSource, TrafficFacts, TrafficVerdict } from './traffic/types.js';

// Inline policy: which types may be shown in the browser
export type { InlinePolicyConfig } from './inline/inline-policy.js';
export { isActiveContentType } from './inline/active-content.js';
export { DEFAULT_INLINE_TYPES, DEFAULT_ACTIVE_CONTENT_POLICY, DOWNLOAD_SAFETY_HEADERS } from './inline/defaults.js';

// Signed download links
export { createLinkSigner, MIN_SECRET_BYTES, MAX_LINK_USES } from './links/link-signer.js';
export type { LinkSignerOptions, SignInput, LinkPayload, LinkSigner, LinkUseOptions } from './links/link-signer.js';
export { memoryLinkStore } from './links/memory-link-store.js';
export type { MemoryLinkStoreOptions } from './links/memory-link-store.js';
export { DEFAULT_LINK_STORE_TIMEOUT_MS } from './links/link-store.js';
export type { LinkStore, LinkUse } from './links/link-store.js';
export { isCanonicalBase64url } from './links/base64url.js';

// The probe that the start-up check and `sendoff doctor` fetch
export { installProbe, PROBE_PATH, PROBE_KEY, RESERVED_KEY_PREFIX } from './probe/probe.js';
export type { Probe, ProbeAnswer, ProbeExpectation, InstallProbeOptions } from './probe/probe.js';
