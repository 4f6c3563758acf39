import { XinError } from "../../runtime";
import type { WidgetSite } from "./settings";

/**
 * Whether a browser request may talk to this widget: its `Origin` must be one of the channel's
 * `allowed_origins` exactly, or xin's own origin (the `/demo` page). Browsers always send Origin on
 * WebSocket upgrades and cross-origin POSTs, so a request without one is refused too.
 */
export const isOriginAllowed = (
  site: WidgetSite,
  origin: string | null,
  ownOrigins: readonly string[],
): origin is string =>
  origin !== null && (site.credentials.allowed_origins.includes(origin) || ownOrigins.includes(origin));

export const originRefused = (): XinError =>
  new XinError("widget.origin_refused", "this site is not allowed to use this chat widget", {
    status: 403,
    hint: "add the site's origin to the web channel: xin channel add web --origin https://shop.example",
  });

/** xin's own origins: the configured public URL and the origin the request was addressed to. */
export const ownOriginsOf = (req: Request, publicUrl: string | undefined): string[] => {
  const own = [new URL(req.url).origin];
  const host = req.headers.get("host");
  if (host) own.push(`${new URL(req.url).protocol}//${host}`);
  if (publicUrl) own.push(new URL(publicUrl).origin);
  return own;
};

/** CORS answer headers for an allowed origin; refused origins get none, so the browser blocks the read. */
export const corsHeaders = (origin: string): Record<string, string> => ({
  "access-control-allow-origin": origin,
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "600",
  vary: "Origin",
});
