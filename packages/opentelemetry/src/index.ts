// @sendoff/opentelemetry: spans and metrics of sendoff deliveries, from the sendoff:deliver
// diagnostics channels. Uses @opentelemetry/api only; the app brings the SDK.
export { instrumentSendoff, INSTRUMENTATION_NAME } from './instrument-sendoff.js';
export type { InstrumentSendoffOptions, SendoffInstrumentation } from './instrument-sendoff.js';
export type { KeyAttribute } from './delivery-spans.js';
export { ATTR as SENDOFF_ATTRIBUTES } from './attributes.js';
