import { errorCode, errorText, XinError } from "../errors";
import { newId } from "../ids";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import { withSpan } from "../telemetry";
import { peerClientIp, type ClientIp } from "./client-ip";
import { assertStorableJson, checkRequestTarget } from "./input";
import { errorResponse } from "./respond";
import type { RequestContext, Router } from "./router";

export type HttpOptions = {
  router: Router;
  log: Logger;
  metrics?: Metrics;
  bodyLimitBytes: number;
  /** Peer + headers → `ctx.ip` (client-ip.ts); default: the peer, headers ignored. */
  clientIp?: ClientIp;
  /**
   * Paths whose incoming W3C `traceparent` is continued (the admin API: an operator's tool may trace its
   * calls); other requests (providers' webhooks, the public widget) start a trace of their own, so an
   * outsider cannot graft spans onto a chosen trace. Default: none.
   */
  continuesTrace?: (url: URL) => boolean;
};
type Peer = { requestIP(req: Request): { address: string } | null } | undefined;

const readLimited = async (req: Request, limit: number, key = "server.body_limit_bytes"): Promise<Uint8Array> => {
  const tooLarge = () =>
    new XinError("http.body_too_large", `request body is larger than ${limit} bytes`, {
      status: 413,
      hint: `raise ${key}`,
    });
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > limit) throw tooLarge();
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
};

/** RFC 9110 `Allow`: the path's methods, HEAD wherever GET is served. */
const allowHeader = (methods: string[]): string => {
  const set = new Set(methods);
  if (set.has("GET")) set.add("HEAD");
  return [...set].sort().join(", ");
};

/**
 * Turns a Router into a `fetch` handler: request id, body limit, error → JSON response, one log line
 * and metrics per request. Tests call it in process with `new Request(...)`.
 */
export const createFetchHandler = ({
  router,
  log,
  metrics,
  bodyLimitBytes,
  clientIp = peerClientIp,
  continuesTrace,
}: HttpOptions) => {
  const handle = async (
    req: Request,
    server: Peer,
    url: URL,
    match: ReturnType<Router["match"]>,
    routeLabel: string,
  ): Promise<Response> => {
    const started = performance.now();
    const requestId = req.headers.get("x-request-id")?.slice(0, 64) || newId("req");
    const reqLog = log.child({ request_id: requestId, route: routeLabel });
    let response: Response;
    let allow: string | null = null;
    try {
      // Before routing, so a bad path is a 400 whether or not some route would have matched it.
      checkRequestTarget(url);
      if (!match.route) {
        if (match.allowed.length) allow = allowHeader(match.allowed);
        throw match.allowed.length
          ? new XinError(
              "http.method_not_allowed",
              `${req.method.slice(0, 32)} is not allowed here; allowed: ${allow}`,
              { status: 405 },
            )
          : new XinError("http.not_found", "no such route", { status: 404 });
      }
      let body: Uint8Array | null = null;
      const ctx: RequestContext = {
        req,
        url,
        params: match.params,
        requestId,
        log: reqLog,
        ip: clientIp(server?.requestIP(req)?.address ?? null, req.headers),
        body: async (limit) => (body ??= await readLimited(req, limit?.bytes ?? bodyLimitBytes, limit?.key)),
        json: async () => {
          const bytes = await ctx.body();
          let value: unknown;
          try {
            value = JSON.parse(new TextDecoder().decode(bytes));
          } catch {
            throw new XinError("http.json_invalid", "request body is not valid JSON", { status: 400 });
          }
          assertStorableJson(value);
          return value;
        },
      };
      response = await match.route.handler(ctx);
    } catch (e) {
      response = errorResponse(e, requestId);
      // A 503 is a known condition (store down, draining), logged once per request as a warning; an
      // outage must not bury the log in errors. Other 5xx are bugs or lost work.
      if (response.status === 503) reqLog.warn("request refused", { err_code: errorCode(e) });
      else if (response.status >= 500) reqLog.error("request failed", { err_code: errorCode(e), err: errorText(e) });
    }
    const seconds = (performance.now() - started) / 1000;
    metrics?.httpRequests.inc({ route: routeLabel, method: req.method, status: String(response.status) });
    metrics?.httpDuration.observe({ route: routeLabel, method: req.method }, seconds);
    reqLog.debug("request", { method: req.method, status: response.status, duration_ms: Math.round(seconds * 1000) });
    // HEAD is GET without the body (the listener drops it on the wire; in-process callers see the same).
    // A dropped stream is cancelled, so a HEAD of an event stream leaves no loop running behind it.
    if (req.method === "HEAD" && response.body) {
      void response.body.cancel().catch(() => {});
      response = new Response(null, { status: response.status, headers: response.headers });
    }
    response.headers.set("x-request-id", requestId);
    if (allow) response.headers.set("allow", allow);
    return response;
  };

  return async (req: Request, server?: Peer): Promise<Response> => {
    const url = new URL(req.url);
    const match = router.match(req.method, url.pathname);
    const routeLabel = match.route?.pattern ?? "unmatched";
    const parent = continuesTrace?.(url) ? req.headers.get("traceparent") : null;
    // One server span per request; everything the route does (store, enqueue) nests under it.
    return withSpan(
      `${req.method} ${routeLabel}`,
      { kind: "server", parent, attributes: { "http.request.method": req.method, "http.route": routeLabel } },
      async (span) => {
        const response = await handle(req, server, url, match, routeLabel);
        span.setAttributes({ "http.response.status_code": response.status });
        if (response.status >= 500) span.fail(`status ${response.status}`);
        return response;
      },
    );
  };
};
