import { z } from "zod";
import { randomToken } from "../../runtime";

/** An exact web origin: scheme, host and optional port; nothing else (no path, no trailing slash). */
const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}, "expected an exact origin such as https://shop.example (scheme and host, optional port, no path or trailing slash)");

/**
 * What a web widget channel needs (`xin channel add web --brand B --origin https://shop.example`).
 * `widget_id` and `session_secret` are generated when absent, so the CLI collects only origins; the
 * parsed output (with both filled in) is what gets stored, encrypted, and they never change afterwards:
 * rotating `session_secret` signs every visitor out (their tokens stop verifying).
 */
export const widgetCredentials = z.object({
  allowed_origins: z
    .array(origin)
    .min(1, "name at least one origin the widget may be embedded on (--origin https://shop.example)")
    .describe("Exact origins of the sites that may embed the widget"),
  widget_id: z
    .string()
    .regex(/^wgt_[A-Za-z0-9_-]{16,}$/)
    .default(() => `wgt_${randomToken(12)}`)
    .describe("Public id of this widget (the channel's account id)"),
  session_secret: z
    .string()
    .min(32, "at least 32 characters")
    .default(() => randomToken(32))
    .describe("Signs visitor tokens and server-to-server ingest bodies; generated when absent"),
});

export type WidgetCredentials = z.output<typeof widgetCredentials>;
