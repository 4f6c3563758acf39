// Pure text helpers for the queue screen: waiting times, SLA tones, fitting text into columns.

export type Tone = "ok" | "warn" | "late";

/** `45s`, `12m`, `3h05m`, `2d4h`: short enough for a column, exact enough to triage. */
export const waited = (fromIso: string, now: number): string => {
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
};

/** Within half the SLA: ok; within the SLA: warn; past it: late. */
export const slaTone = (fromIso: string, now: number, slaMinutes: number): Tone => {
  const minutes = (now - Date.parse(fromIso)) / 60_000;
  return minutes >= slaMinutes ? "late" : minutes >= slaMinutes / 2 ? "warn" : "ok";
};

export const TONE_COLOR: Record<Tone, string> = { ok: "green", warn: "yellow", late: "red" };

/** Cuts to `width` columns with an ellipsis; pads when `pad`. Newlines become spaces. */
export const fit = (text: string, width: number, pad = false): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  const cut = flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
  return pad ? cut.padEnd(width) : cut;
};

/** `needs_authorization` → `needs authorization`. */
export const humanReason = (code: string) => code.replace(/[_.]/g, " ");

export const PROVIDER_LABEL: Record<string, string> = {
  whatsapp: "WhatsApp",
  instagram: "Instagram",
  telegram: "Telegram",
  widget: "Web chat",
};

/** A source as the detail view lists it, whatever shape the answering pipeline stored. */
export const sourceLabel = (source: unknown): string => {
  if (typeof source === "string") return source;
  if (typeof source !== "object" || source === null) return String(source);
  const s = source as Record<string, unknown>;
  const name = [s.source, s.title, s.heading, s.id].find((v) => typeof v === "string") as string | undefined;
  const extra = typeof s.heading === "string" && s.heading !== name ? ` › ${s.heading}` : "";
  const score = typeof s.score === "number" ? `  (${s.score.toFixed(2)})` : "";
  return `${name ?? JSON.stringify(source)}${extra}${score}`;
};
