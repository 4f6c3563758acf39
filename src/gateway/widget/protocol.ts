/**
 * The widget's socket protocol (JSON text frames over `/widget/ws`; the HTTP fallback returns the same
 * shapes). Version 1.
 *
 * Browser → xin
 *   { type: "send", id, text }                 a visitor message; `id` (8–64 of [A-Za-z0-9_-]) is chosen
 *   { type: "send", id, button: { id, title } } by the browser, so a resend after a reconnect is a no-op
 *   { type: "send", id, file: { sha256, name }, text? }  a file uploaded first (POST /widget/upload),
 *                                               with an optional caption
 *   { type: "email", email }                    the visitor's e-mail (the away note asks for it);
 *                                               answered with { type: "email_saved", email }
 *   { type: "ping" }                            keep-alive; answered with { type: "pong" }
 *
 * xin → browser
 *   { type: "ready", visitor_token, settings }  first frame; store `visitor_token` (it may be new)
 *   { type: "history", messages }               everything visible so far, oldest first (after ready)
 *   { type: "message", message }                a stored message: the visitor's own (ack, or from another
 *                                               tab; `client_id` matches the send) or a reply
 *   { type: "delta", message_id, text }         a streamed piece of a reply being produced; the final
 *                                               `message` whose id or `stream_id` is `message_id`
 *                                               replaces the pieces
 *   { type: "retract", message_id }             the pieces streamed under `message_id` are taken back:
 *                                               remove that bubble (the reply will not be sent)
 *   { type: "typing", on }                      a reply is being prepared (or not any more)
 *   { type: "presence", state, agent? }         who answers: "bot" (the assistant), "waiting" (handed to
 *                                               a person who has not taken it yet), "agent" (`agent`, a
 *                                               person, holds the conversation); after history and on change
 *   { type: "error", code, message, client_id?, retry_after_ms? }
 *       codes: frame_invalid, message_too_long, rate_limited, internal, file_refused (a file that is
 *       not a stored upload of an allowed type), email_invalid, and unavailable: xin's store
 *       cannot be reached right now, so the send named by `client_id` is still pending — the browser
 *       sends it again after `retry_after_ms` (same id: a no-op if it was stored after all)
 */
import { z } from "zod";
import { jsonIssue } from "../../runtime/http";
import type { WidgetSettings } from "./settings";

const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("send"),
    id: clientId,
    text: z.string().optional(),
    button: z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(256) }).optional(),
    file: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), name: z.string().trim().min(1).max(200) }).optional(),
  }),
  z.object({ type: z.literal("email"), email: z.string().max(254) }),
  z.object({ type: z.literal("ping") }),
]);

export type ClientFrame = z.output<typeof clientFrameSchema>;
export type SendFrame = Extract<ClientFrame, { type: "send" }>;

/** A message as the browser renders it. `text` is plain text: the browser puts it in `textContent`. */
export type WireMessage = {
  id: string;
  role: "visitor" | "assistant";
  text: string;
  /** A reply a person wrote: their display name ("" when unknown). Absent for the assistant's replies. */
  agent?: string;
  /** Files: a visitor upload is fetched by `sha256` (POST /widget/file), an agent's link opens at `url`. */
  attachments?: WireAttachment[];
  buttons?: { id: string; title: string }[];
  client_id?: string;
  /** A reply that was streamed while written: the `delta` pieces under this id are its draft. */
  stream_id?: string;
  at: string;
};

export type WireAttachment = { name: string; mime_type: string; size?: number; sha256?: string; url?: string };

export type Presence = { state: "bot" | "waiting" | "agent"; agent?: string };

export type ServerFrame =
  | { type: "ready"; visitor_token: string; settings: WidgetSettings }
  | { type: "history"; messages: WireMessage[] }
  | { type: "message"; message: WireMessage }
  | { type: "delta"; message_id: string; text: string }
  | { type: "retract"; message_id: string }
  | { type: "typing"; on: boolean }
  | ({ type: "presence" } & Presence)
  | { type: "email_saved"; email: string }
  | { type: "pong" }
  | { type: "error"; code: WidgetErrorCode; message: string; client_id?: string; retry_after_ms?: number };

export type WidgetErrorCode =
  "frame_invalid" | "message_too_long" | "rate_limited" | "internal" | "unavailable" | "file_refused" | "email_invalid";

export const errorFrame = (
  code: WidgetErrorCode,
  message: string,
  extra: { client_id?: string; retry_after_ms?: number } = {},
): ServerFrame => ({
  type: "error",
  code,
  message,
  ...extra,
});

/** A frame parsed from untrusted socket text, or an error frame to send back. */
export const readClientFrame = (raw: string | Buffer): ClientFrame | ServerFrame => {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === "string" ? raw : raw.toString("utf8"));
  } catch {
    return errorFrame("frame_invalid", "frames are JSON objects");
  }
  // NUL and unpaired surrogates cannot be stored: refused like any malformed frame, before anything is written.
  const issue = jsonIssue(json, { strings: true, root: "frame" });
  if (issue) return errorFrame("frame_invalid", `${issue.where}: ${issue.why}`);
  const parsed = clientFrameSchema.safeParse(json);
  if (!parsed.success)
    return errorFrame(
      "frame_invalid",
      `unknown or malformed frame: ${parsed.error.issues[0]?.path.join(".") || "type"}`,
    );
  return parsed.data;
};

export const isServerFrame = (f: ClientFrame | ServerFrame): f is ServerFrame => f.type === "error";
