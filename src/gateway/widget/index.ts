/**
 * The web chat widget's server side: `/embed.js`, `/demo/<brand>`, the socket at `/widget/ws` and the
 * HTTP fallback under `/widget/`. `registerWidget` adds the HTTP routes to the gateway's router and
 * returns what the listener needs: `upgrade` (try it before the router), the Bun `websocket` handler,
 * and the hub to start (LISTEN on `xin_widget`) and stop with the gateway.
 */
import type { Server } from "bun";
import type { Sql } from "postgres";
import type { Logger } from "../../runtime";
import type { Db } from "../../runtime/db";
import { peerClientIp, type ClientIp, type Router } from "../../runtime/http";
import type { Wake } from "../../runtime/queue";
import { registerEmbed } from "./embed";
import { registerWidgetHttp } from "./http";
import { WidgetHub, type SocketData } from "./hub";
import { defaultWidgetLimits, type WidgetLimits } from "./rate-limit";
import { upgradeWidgetSocket, widgetSocketHandler, type SocketDeps } from "./socket";

export type WidgetDeps = {
  db: () => Db;
  wake: Wake;
  maxAttempts: number;
  instanceKey: string;
  log: Logger;
  /** `server.public_url`, when configured: an allowed origin of its own and the demo's script URL. */
  publicUrl?: string;
  limits?: WidgetLimits;
  /** How the socket upgrade finds the client's IP (trusted proxies); default: the TCP peer. */
  clientIp?: ClientIp;
};

export type Widget = {
  hub: WidgetHub;
  upgrade(req: Request, server: Server<SocketData>): Promise<Response | undefined | null>;
  websocket: ReturnType<typeof widgetSocketHandler>;
  start(sql: Sql): Promise<void>;
  stop(): Promise<void>;
};

export const registerWidget = (router: Router, deps: WidgetDeps): Widget => {
  const hub = new WidgetHub(deps.db, deps.log);
  const socketDeps: SocketDeps = {
    ...deps,
    limits: deps.limits ?? defaultWidgetLimits(),
    hub,
    clientIp: deps.clientIp ?? peerClientIp,
  };
  registerEmbed(router, socketDeps);
  registerWidgetHttp(router, socketDeps);
  return {
    hub,
    upgrade: (req, server) => upgradeWidgetSocket(socketDeps, req, server),
    websocket: widgetSocketHandler(socketDeps),
    start: (sql) => hub.start(sql),
    stop: () => hub.stop(),
  };
};

export { snippetOf, unknownWidget } from "./embed";
export { loadSite, widgetSettingsInput, type WidgetSite } from "./settings";
export { sniffType } from "./files";
export type { SocketData } from "./hub";
export type { ServerFrame, WireMessage } from "./protocol";
export { TokenBuckets, defaultWidgetLimits, type WidgetLimits } from "./rate-limit";
