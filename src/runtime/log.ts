/**
 * Structured logs: one JSON object per line (journald-friendly), snake_case fields.
 *
 * Contract: `msg` is a short lowercase event; values go in fields. Secrets, phone numbers and e-mail
 * addresses are redacted from every string field before it is written, and fields named like secrets
 * (`token`, `api_key`, `password`, ...) are masked whole. Logging never throws. While tracing is on, a line
 * written inside a span carries its `trace_id`, so a log search and a trace meet.
 */
import { activeTraceId } from "./telemetry";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_KEY = /(token|secret|password|api_key|apikey|authorization|instance_key|cookie)$/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Phone numbers: "+" then 8+ digits with separators, or a bare run of 8–15 digits (WhatsApp's wa_id is
// the phone number). Dates and times (short digit groups) are left alone.
const PHONE_INTL = /\+\d[\d\s().-]{6,}\d/g;
const PHONE_BARE = /(?<![\w.:-])\d{8,15}(?![\w.:-])/g;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

export const redactText = (text: string): string =>
  text
    .replace(BEARER, "$1[redacted]")
    .replace(JWT, "[redacted-jwt]")
    .replace(EMAIL, "[email]")
    .replace(PHONE_INTL, (m) => (m.replace(/\D/g, "").length >= 8 ? "[phone]" : m))
    .replace(PHONE_BARE, "[phone]");

const redactValue = (key: string, value: unknown, depth: number): unknown => {
  if (value === null || value === undefined) return value;
  if (SECRET_KEY.test(key)) return "[redacted]";
  if (typeof value === "string") return redactText(value);
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Error) return redactText(value.message);
  if (depth > 4) return "[depth]";
  if (Array.isArray(value)) return value.map((v) => redactValue(key, v, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(k, v, depth + 1);
    return out;
  }
  return String(value);
};

export type LogSink = (line: string) => void;

export type Logger = {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (bind request/job context once at the boundary). */
  child(fields: LogFields): Logger;
};

type LoggerState = { level: LogLevel; sink: LogSink };

const stdoutSink: LogSink = (line) => {
  process.stdout.write(line + "\n");
};

const build = (state: LoggerState, bound: LogFields): Logger => {
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < LEVELS[state.level]) return;
    try {
      const traceId = activeTraceId();
      const record = {
        ts: new Date().toISOString(),
        level,
        msg,
        ...(traceId ? { trace_id: traceId } : {}),
        ...(redactValue("", { ...bound, ...fields }, 0) as LogFields),
      };
      state.sink(JSON.stringify(record));
    } catch {
      // A log line must never take the process down (e.g. a circular value or a closed stdout).
    }
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => build(state, { ...bound, ...fields }),
  };
};

export const createLogger = (options: { level?: LogLevel; sink?: LogSink } = {}): Logger =>
  build({ level: options.level ?? "info", sink: options.sink ?? stdoutSink }, {});

/** A logger that writes nothing: for CLI commands whose stdout is the user's and for tests. */
export const silentLogger: Logger = build({ level: "error", sink: () => {} }, {});
