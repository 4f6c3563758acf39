// The runtime room's public surface: process infrastructure that knows nothing about messaging.
export * from "./errors";
export * from "./crypto";
export * from "./ids";
export * from "./log";
export { epochMillis, epochSeconds, instantQuery, isStorableInstant, MAX_INSTANT_MS, MIN_INSTANT_MS } from "./instant";
export { onTerminate, startServices, type Service } from "./lifecycle";
export { BlobStore } from "./blobs";
export { Batcher } from "./batcher";
export { XIN_VERSION } from "./version";
export { AdmissionGate, type AdmissionOptions } from "./admission";
export {
  activeTraceId,
  bindTrace,
  currentTraceparent,
  startTelemetry,
  traceHeaders,
  tracedFetch,
  tracingEnabled,
  withSpan,
  withStreamSpan,
  type SpanHandle,
  type Telemetry,
} from "./telemetry";
