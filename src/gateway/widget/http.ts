/**
 * The HTTP fallback for browsers or networks where the WebSocket fails: the browser POSTs JSON as
 * `text/plain` (a CORS "simple" request, so no preflight round trip) and polls `sync` for replies.
 *   POST /widget/sync?brand=B   { token? }               → { visitor_token, settings, messages }
 *   POST /widget/send?brand=B   { token, id, text | button } → { visitor_token, messages, typing }
 * Same Origin check, rate limits and error codes as the socket; refusals are JSON errors with CORS
 * headers for allowed origins (so the page can read them) and none for refused ones.
 */
import { z } from "zod";
import { newVisitorId, visitorOfToken, visitorToken } from "../../channels";
import { XinError } from "../../runtime";
import { errorResponse, json, type RequestContext, type Router } from "../../runtime/http";
import { corsHeaders, isOriginAllowed, originRefused, ownOriginsOf } from "./origins";
import { clientFrameSchema } from "./protocol";
import { loadSite, type WidgetSite } from "./settings";
import type { SocketDeps } from "./socket";
import { historyOf } from "./store";
import { sendAsVisitor } from "./visitor-send";

const syncBody = z.object({ token: z.string().max(200).optional() });
const sendBody = z.object({ token: z.string().max(200) }).and(clientFrameSchema);

const parseBody = async <T>(ctx: RequestContext, schema: z.ZodType<T>): Promise<T> => {
  const parsed = schema.safeParse(await ctx.json());
  if (!parsed.success) throw new XinError("widget.frame_invalid", `malformed request: ${parsed.error.issues[0]?.path.join(".") || "body"}`, { status: 400 });
  return parsed.data;
};

type Handler = (ctx: RequestContext, site: WidgetSite, origin: string) => Promise<Response>;

/** Resolves the site, enforces the Origin, and puts CORS headers on every answer an allowed page gets. */
const guarded = (deps: SocketDeps, handler: Handler) => async (ctx: RequestContext): Promise<Response> => {
  const site = await loadSite(deps.db(), deps.instanceKey, ctx.url.searchParams.get("brand") ?? "");
  if (!site) throw new XinError("widget.unknown_brand", "no chat widget for this brand", { status: 404 });
  const origin = ctx.req.headers.get("origin");
  if (!isOriginAllowed(site, origin, ownOriginsOf(ctx.req, deps.publicUrl))) throw originRefused();
  let response: Response;
  try {
    response = ctx.req.method === "OPTIONS" ? new Response(null, { status: 204 }) : await handler(ctx, site, origin);
  } catch (e) {
    response = errorResponse(e, ctx.requestId);
  }
  for (const [k, v] of Object.entries(corsHeaders(origin))) response.headers.set(k, v);
  return response;
};

const visitorFrom = (site: WidgetSite, token: string | undefined): { visitorId: string; known: boolean } => {
  const known = visitorOfToken(site.credentials, token);
  return { visitorId: known ?? newVisitorId(), known: known !== null };
};

export const registerWidgetHttp = (router: Router, deps: SocketDeps) => {
  const sync = guarded(deps, async (ctx, site) => {
    const body = await parseBody(ctx, syncBody);
    const { visitorId, known } = visitorFrom(site, body.token);
    const messages = known ? await historyOf(deps.db(), site.channel.id, visitorId) : [];
    return json({ visitor_token: visitorToken(site.credentials, visitorId), settings: site.settings, messages });
  });
  const send = guarded(deps, async (ctx, site) => {
    const body = await parseBody(ctx, sendBody);
    if (body.type !== "send") throw new XinError("widget.frame_invalid", "expected a send", { status: 400 });
    const { visitorId } = visitorFrom(site, body.token);
    const outcome = await sendAsVisitor(deps, site, visitorId, ctx.ip ?? "unknown", body);
    if (outcome.kind === "refused") {
      const retry = outcome.frame.type === "error" && outcome.frame.retry_after_ms ? { "retry-after": String(Math.ceil(outcome.frame.retry_after_ms / 1000)) } : undefined;
      return json({ error: outcome.frame }, outcome.status, retry);
    }
    return json({ visitor_token: visitorToken(site.credentials, visitorId), messages: outcome.messages, typing: outcome.willReply });
  });
  for (const [path, handler] of [["/widget/sync", sync], ["/widget/send", send]] as const) {
    router.post(path, handler);
    router.add("OPTIONS", path, handler);
  }
};
