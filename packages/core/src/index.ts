export type {
  Key,
  ByteRange,
  FileStat,
  FileLocation,
  LocalLocation,
  S3Location,
  LocationKind,
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
} from './contracts.js';
export * from './errors/index.js';
export * from './keys/index.js';
