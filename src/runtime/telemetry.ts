/**
 * OpenTelemetry traces: manual spans at xin's own seams, exported over OTLP (HTTP/protobuf) when
 * `telemetry.otlp_endpoint` is set. Auto-instrumentation sees neither `Bun.serve` nor `fetch` (the
 * whole HTTP surface), so the seams open spans themselves through `withSpan`, and outgoing calls carry
 * W3C `traceparent` through `traceHeaders`/`tracedFetch`.
 *
 * Off (no endpoint), every function here returns at its first line: no tracer, no context manager, no
 * span objects, no header — the cost is one boolean test per seam.
 *
 * The context crosses the job queue as a `traceparent` string stored on the job row (`currentTraceparent`
 * at enqueue, `withSpan(…, { parent })` at run), so one trace follows a message from webhook to send.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

export type TelemetryOptions = {
  /** OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces; unset: tracing off. */
  endpoint?: string;
  /** Share of new traces recorded (0–1, default 1); a continued trace follows its parent's decision. */
  sampleRatio?: number;
  serviceName: string;
  version: string;
  instanceName?: string;
};

export type Telemetry = {
  readonly enabled: boolean;
  /** Exports what is buffered and stops the exporter (SIGTERM: else the last batch is lost). */
  shutdown(): Promise<void>;
};

type SpanKindName = "internal" | "server" | "client" | "consumer" | "producer";
const KINDS: Record<SpanKindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  consumer: SpanKind.CONSUMER,
  producer: SpanKind.PRODUCER,
};

let enabled = false;
let provider: TracerProvider | null = null;
const propagator = new W3CTraceContextPropagator();

/** A stand-in handed to span callbacks while tracing is off: every method does nothing. */
export type SpanHandle = {
  setAttributes(attributes: Attributes): void;
  /** Marks the span failed without throwing (an answered error the caller handles). */
  fail(message: string): void;
};
const noopHandle: SpanHandle = { setAttributes: () => {}, fail: () => {} };

const handleOf = (span: Span): SpanHandle => ({
  setAttributes: (a) => void span.setAttributes(a),
  fail: (message) => void span.setStatus({ code: SpanStatusCode.ERROR, message }),
});

/**
 * Starts tracing when `endpoint` is set; otherwise leaves every seam a no-op. Idempotent per process:
 * a second call (tests building several apps) keeps the first provider.
 */
export const startTelemetry = (options: TelemetryOptions): Telemetry => {
  if (!options.endpoint) return { enabled: false, shutdown: async () => {} };
  if (!provider) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(propagator);
    provider = new TracerProvider({
      resource: resourceFromAttributes({
        "service.name": options.serviceName,
        "service.version": options.version,
        ...(options.instanceName ? { "service.instance.id": options.instanceName } : {}),
      }),
      // Decided once per trace, at its root (a webhook, a request): its jobs carry the decision in the
      // stored traceparent's flags, so a trace is whole or absent.
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
      // 3.x takes `{ exporter }`; the old positional form compiles and throws at the first flush.
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: options.endpoint }),
          scheduledDelayMillis: 500,
        }),
      ],
    });
    trace.setGlobalTracerProvider(provider);
    enabled = true;
  }
  const own = provider;
  return {
    enabled: true,
    shutdown: async () => {
      if (provider !== own) return;
      enabled = false;
      provider = null;
      await own.shutdown().catch(() => {});
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
};

export const tracingEnabled = (): boolean => enabled;

/** A context whose parent is the W3C `traceparent` given (a job row's, an incoming request's), else the active one. */
const parentContext = (traceparent: string | null | undefined): Context =>
  traceparent
    ? propagator.extract(
        context.active(),
        { traceparent },
        { get: (c, k) => c[k as "traceparent"], keys: () => ["traceparent"] },
      )
    : context.active();

export type SpanOptions = {
  kind?: SpanKindName;
  attributes?: Attributes;
  /** `traceparent` to continue (a job's, an incoming request's); default: the active span. */
  parent?: string | null;
};

/**
 * Runs `fn` inside a span named `name` (ended when `fn` settles; a throw marks it failed with the
 * error's message). Tracing off: `fn` runs as is.
 */
export const withSpan = <T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T> => {
  if (!enabled) return fn(noopHandle);
  const tracer = trace.getTracer("xin");
  return tracer.startActiveSpan(
    name,
    { kind: KINDS[options.kind ?? "internal"], attributes: options.attributes },
    parentContext(options.parent),
    async (span) => {
      try {
        return await fn(handleOf(span));
      } catch (e) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: e instanceof Error ? e.message.slice(0, 200) : String(e).slice(0, 200),
        });
        throw e;
      } finally {
        span.end();
      }
    },
  );
};

/** The active span's W3C `traceparent` (to store on a job row), or null when tracing is off or no span is active. */
export const currentTraceparent = (): string | null => {
  if (!enabled) return null;
  const carrier: Record<string, string> = {};
  propagator.inject(context.active(), carrier, { set: (c, k, v) => (c[k] = v) });
  return carrier.traceparent ?? null;
};

/** The active trace's id for log lines, or undefined (tracing off, no span, or a trace not sampled: it is nowhere to find). */
export const activeTraceId = (): string | undefined => {
  if (!enabled) return undefined;
  const ctx = trace.getSpanContext(context.active());
  return ctx && (ctx.traceFlags & 1) === 1 && ctx.traceId !== "00000000000000000000000000000000"
    ? ctx.traceId
    : undefined;
};

/** Headers that carry the active trace to the callee (`traceparent`, `tracestate`); empty when off. */
export const traceHeaders = (): Record<string, string> => {
  if (!enabled) return {};
  const carrier: Record<string, string> = {};
  propagator.inject(context.active(), carrier, { set: (c, k, v) => (c[k] = v) });
  return carrier;
};

/** `fetch` that adds `traceparent` to every request (the LLM SDK's calls); the same function when off. */
export const tracedFetch = (base: typeof fetch): typeof fetch => {
  const wrapped = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (!enabled) return base(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    for (const [k, v] of Object.entries(traceHeaders())) headers.set(k, v);
    return base(input, { ...init, headers });
  };
  return Object.assign(wrapped, { preconnect: base.preconnect }) as typeof fetch;
};

/**
 * `fn` bound to the active trace context: work handed to another async flow (a group commit runs every
 * submitter's work inside the first one's flush) still records and enqueues under its own span.
 */
export const bindTrace = <A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) =>
  enabled ? context.bind(context.active(), fn) : fn;

/**
 * An async iterable (a streamed LLM answer) inside one span, from the first `next()` to the last; each
 * step runs in the span's context, so the HTTP call it makes carries the span as its parent.
 * Tracing off: the iterable as made.
 */
export const withStreamSpan = <T>(
  name: string,
  options: Omit<SpanOptions, "parent">,
  make: () => AsyncIterable<T>,
): AsyncIterable<T> => {
  if (!enabled) return make();
  return {
    [Symbol.asyncIterator]: () => {
      const span = trace
        .getTracer("xin")
        .startSpan(name, { kind: KINDS[options.kind ?? "internal"], attributes: options.attributes }, context.active());
      const ctx = trace.setSpan(context.active(), span);
      const inner = context.with(ctx, () => make()[Symbol.asyncIterator]());
      let open = true;
      const end = (error?: unknown) => {
        if (!open) return;
        open = false;
        if (error !== undefined)
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200),
          });
        span.end();
      };
      return {
        next: async () => {
          try {
            const step = await context.with(ctx, () => inner.next());
            if (step.done) end();
            return step;
          } catch (e) {
            end(e);
            throw e;
          }
        },
        return: async (value?: unknown) => {
          end();
          return (await inner.return?.(value)) ?? { done: true as const, value: undefined };
        },
      };
    },
  };
};
