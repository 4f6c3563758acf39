/**
 * The HTTP fallback for browsers or networks where the WebSocket fails: the browser POSTs JSON as
 * `text/plain` (a CORS "simple" request, so no preflight round trip) and polls `sync` for replies.
 *   POST /widget/sync?brand=B   { token? }               → { visitor_token, settings, messages }
 *   POST /widget/send?brand=B   { token, id, text | button | file } → { visitor_token, messages, typing }
 *   POST /widget/email?brand=B  { token, email }          → { email } (the away note's e-mail field)
 *   POST /widget/upload?brand=B multipart: token, file     → { file: { sha256, size, mime_type, name } }
 *   POST /widget/file?brand=B   { token, sha256 }         → the bytes of a file in the visitor's conversation
 * The socket uses the upload and file routes too: bytes do not travel in socket frames.
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
import { WIDGET_UPLOADS } from "../../channels";
import { fileRefused, storeUpload, visitorFile } from "./files";
import { historyOf, presenceOf } from "./store";
import { leaveEmail, sendAsVisitor } from "./visitor-send";

const syncBody = z.object({ token: z.string().max(200).optional() });
const sendBody = z.object({ token: z.string().max(200) }).and(clientFrameSchema);
const emailBody = z.object({ token: z.string().max(200), email: z.string().max(254) });
const fileBody = z.object({ token: z.string().max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/** Multipart overhead above the file itself (boundaries, the token field, headers). */
const MULTIPART_SLACK = 64 * 1024;

const unknownVisitor = () =>
  new XinError("widget.visitor_unknown", "this chat session is not known here; reload the page", { status: 401 });

const parseBody = async <T>(ctx: RequestContext, schema: z.ZodType<T>): Promise<T> => {
  const parsed = schema.safeParse(await ctx.json());
  if (!parsed.success)
    throw new XinError(
      "widget.frame_invalid",
      `malformed request: ${parsed.error.issues[0]?.path.join(".") || "body"}`,
      { status: 400 },
    );
  return parsed.data;
};

type Handler = (ctx: RequestContext, site: WidgetSite, origin: string) => Promise<Response>;

/** Resolves the site, enforces the Origin, and puts CORS headers on every answer an allowed page gets. */
const guarded =
  (deps: SocketDeps, handler: Handler) =>
  async (ctx: RequestContext): Promise<Response> => {
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
    const presence = known ? await presenceOf(deps.db(), site.channel.id, visitorId) : { state: "bot" as const };
    return json({
      visitor_token: visitorToken(site.credentials, visitorId),
      settings: site.settings,
      messages,
      presence,
    });
  });
  const email = guarded(deps, async (ctx, site) => {
    const body = await parseBody(ctx, emailBody);
    const visitorId = visitorOfToken(site.credentials, body.token);
    if (!visitorId) throw unknownVisitor();
    const answer = await leaveEmail(deps, site, visitorId, body.email);
    return json(answer.frame.type === "error" ? { error: answer.frame } : answer.frame, answer.status);
  });
  const upload = guarded(deps, async (ctx, site) => {
    const type = ctx.req.headers.get("content-type") ?? "";
    if (!type.startsWith("multipart/form-data"))
      throw new XinError("widget.frame_invalid", "upload a file as multipart/form-data (fields token and file)", {
        status: 400,
      });
    const bytes = await ctx.body({
      bytes: WIDGET_UPLOADS.maxBytes + MULTIPART_SLACK,
      key: `the widget's file limit (${WIDGET_UPLOADS.maxBytes / (1024 * 1024)} MB)`,
    });
    let form: FormData;
    try {
      form = await new Response(new Blob([new Uint8Array(bytes)]), { headers: { "content-type": type } }).formData();
    } catch {
      throw new XinError("widget.frame_invalid", "the upload is not valid multipart/form-data", { status: 400 });
    }
    const visitorId = visitorOfToken(site.credentials, String(form.get("token") ?? ""));
    if (!visitorId) throw unknownVisitor();
    const file = form.get("file");
    if (!(file instanceof Blob))
      throw new XinError("widget.frame_invalid", "the upload has no file field", { status: 400 });
    const wait = deps.limits.visitor.take(`${site.channel.id}:${visitorId}`);
    if (wait > 0)
      throw new XinError("widget.rate_limited", "too many messages; please wait a moment", {
        status: 429,
        data: { retry_after_ms: wait },
      });
    const name = file instanceof File ? file.name : "file";
    return json({ file: await storeUpload(deps.db(), site.tenantId, new Uint8Array(await file.arrayBuffer()), name) });
  });
  const file = guarded(deps, async (ctx, site) => {
    const body = await parseBody(ctx, fileBody);
    const visitorId = visitorOfToken(site.credentials, body.token);
    if (!visitorId) throw unknownVisitor();
    const found = await visitorFile(deps.db(), site.channel.id, visitorId, body.sha256);
    if (!found) throw fileRefused("no such file in this conversation", 404);
    return new Response(new Blob([new Uint8Array(found.bytes)]), {
      headers: {
        "content-type": found.mime_type,
        "cache-control": "private, max-age=3600",
        "x-content-type-options": "nosniff",
      },
    });
  });
  const send = guarded(deps, async (ctx, site) => {
    const body = await parseBody(ctx, sendBody);
    if (body.type !== "send") throw new XinError("widget.frame_invalid", "expected a send", { status: 400 });
    const { visitorId } = visitorFrom(site, body.token);
    const outcome = await sendAsVisitor(deps, site, visitorId, ctx.ip ?? "unknown", body);
    if (outcome.kind === "refused") {
      const retry =
        outcome.frame.type === "error" && outcome.frame.retry_after_ms
          ? { "retry-after": String(Math.ceil(outcome.frame.retry_after_ms / 1000)) }
          : undefined;
      return json({ error: outcome.frame }, outcome.status, retry);
    }
    return json({
      visitor_token: visitorToken(site.credentials, visitorId),
      messages: outcome.messages,
      typing: outcome.willReply,
    });
  });
  for (const [path, handler] of [
    ["/widget/sync", sync],
    ["/widget/send", send],
    ["/widget/email", email],
    ["/widget/upload", upload],
    ["/widget/file", file],
  ] as const) {
    router.post(path, handler);
    router.add("OPTIONS", path, handler);
  }
};
