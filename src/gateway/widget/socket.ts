/**
 * `/widget/ws?brand=<brand id>&token=<visitor token>`: the upgrade checks the Origin against the
 * channel's allowed origins (403 before any upgrade otherwise) and a per-IP connection budget (429),
 * verifies the visitor token (a missing or invalid one gets a new visitor), then speaks protocol.ts.
 */
import type { Server, WebSocketHandler } from "bun";
import { newVisitorId, visitorOfToken, visitorToken } from "../../channels";
import { errorCode, isStoreUnreachable, XinError, type Logger } from "../../runtime";
import { checkRequestTarget, type ClientIp } from "../../runtime/http";
import { WidgetHub, type SocketData, type WidgetSocket } from "./hub";
import { isOriginAllowed, originRefused, ownOriginsOf } from "./origins";
import { errorFrame, isServerFrame, readClientFrame, type ServerFrame } from "./protocol";
import type { WidgetLimits } from "./rate-limit";
import { loadSite } from "./settings";
import { historyOf, presenceOf, type StoreDeps } from "./store";
import { leaveEmail, sendAsVisitor } from "./visitor-send";

export type SocketDeps = StoreDeps & {
  instanceKey: string;
  publicUrl?: string;
  limits: WidgetLimits;
  hub: WidgetHub;
  log: Logger;
  /** The same resolver the router's `ctx.ip` uses, so a socket and the HTTP fallback share a visitor's IP budget. */
  clientIp: ClientIp;
};

export const WIDGET_SOCKET_PATH = "/widget/ws";

/** How long the browser waits before sending again a message the store could not take. */
const STORE_RETRY_MS = 1000;

const send = (ws: WidgetSocket, frame: ServerFrame): void => {
  ws.send(JSON.stringify(frame));
};

/**
 * Upgrades a widget socket request. Returns null when the request is not for the widget socket (the
 * router handles it), undefined once upgraded, or the refusal to answer with.
 */
export const upgradeWidgetSocket = async (
  deps: SocketDeps,
  req: Request,
  server: Server<SocketData>,
): Promise<Response | undefined | null> => {
  const url = new URL(req.url);
  if (url.pathname !== WIDGET_SOCKET_PATH) return null;
  const refuse = (e: XinError) => Response.json({ error: { code: e.code, message: e.message } }, { status: e.status });
  // The socket is upgraded before the router runs, so it checks its query like the router would.
  try {
    checkRequestTarget(url);
  } catch (e) {
    if (e instanceof XinError) return refuse(e);
    throw e;
  }
  const site = await loadSite(deps.db(), deps.instanceKey, url.searchParams.get("brand") ?? "");
  if (!site) return refuse(new XinError("widget.unknown_brand", "no chat widget for this brand", { status: 404 }));
  if (!isOriginAllowed(site, req.headers.get("origin"), ownOriginsOf(req, deps.publicUrl)))
    return refuse(originRefused());
  const ip = deps.clientIp(server.requestIP(req)?.address ?? null, req.headers) ?? "unknown";
  const wait = deps.limits.connect.take(ip);
  if (wait > 0)
    return refuse(
      new XinError("widget.rate_limited", "too many connections; try again shortly", {
        status: 429,
        data: { retry_after_ms: wait },
      }),
    );
  const known = visitorOfToken(site.credentials, url.searchParams.get("token"));
  const visitorId = known ?? newVisitorId();
  const data: SocketData = {
    site,
    visitorId,
    visitorToken: visitorToken(site.credentials, visitorId),
    ip,
    history: known !== null,
  };
  if (server.upgrade(req, { data })) return undefined;
  return refuse(new XinError("widget.upgrade_required", "this endpoint speaks WebSocket", { status: 426 }));
};

export const widgetSocketHandler = (deps: SocketDeps): WebSocketHandler<SocketData> => ({
  idleTimeout: 120,
  maxPayloadLength: 64 * 1024,
  open: async (ws) => {
    deps.hub.add(ws);
    send(ws, { type: "ready", visitor_token: ws.data.visitorToken, settings: ws.data.site.settings });
    const messages = ws.data.history
      ? await historyOf(deps.db(), ws.data.site.channel.id, ws.data.visitorId).catch(() => [])
      : [];
    send(ws, { type: "history", messages });
    if (ws.data.history)
      send(ws, {
        type: "presence",
        ...(await presenceOf(deps.db(), ws.data.site.channel.id, ws.data.visitorId).catch(() => ({
          state: "bot" as const,
        }))),
      });
  },
  message: async (ws, raw) => {
    const frame = readClientFrame(raw);
    if (isServerFrame(frame)) return send(ws, frame);
    if (frame.type === "ping") return send(ws, { type: "pong" });
    const { site, visitorId, ip } = ws.data;
    if (frame.type === "email") {
      return send(
        ws,
        (
          await leaveEmail(deps, site, visitorId, frame.email).catch(() => ({
            frame: errorFrame("internal", "the e-mail could not be saved; please try again"),
          }))
        ).frame,
      );
    }
    try {
      const outcome = await sendAsVisitor(deps, site, visitorId, ip, frame);
      if (outcome.kind === "refused") return send(ws, outcome.frame);
      for (const message of outcome.messages) deps.hub.push(site.channel.id, visitorId, { type: "message", message });
      if (outcome.willReply) deps.hub.push(site.channel.id, visitorId, { type: "typing", on: true });
    } catch (e) {
      // The store is down (or was cut off mid-write): a condition, not a failure of this message. The
      // browser keeps it pending and sends it again; the same id makes a resend of a stored one a no-op.
      if (isStoreUnreachable(e)) {
        deps.log.warn("widget message deferred: store unreachable", {
          err_code: errorCode(e),
          channel_id: site.channel.id,
        });
        return send(
          ws,
          errorFrame("unavailable", "the chat is briefly unavailable; the message will be sent again", {
            client_id: frame.id,
            retry_after_ms: STORE_RETRY_MS,
          }),
        );
      }
      deps.log.error("widget message failed", { err_code: errorCode(e), channel_id: site.channel.id });
      send(ws, errorFrame("internal", "the message could not be stored; please try again", { client_id: frame.id }));
    }
  },
  close: (ws) => deps.hub.remove(ws),
});
