import type { Server, WebSocketHandler } from "bun";
import { XinError } from "../errors";
import type { Logger } from "../log";

export type ListenOptions<W = undefined> = {
  host: string;
  port: number;
  /** Resolves undefined only after `server.upgrade(req)` took the request over (WebSocket). */
  fetch: (req: Request, server: Server<W>) => Promise<Response | undefined> | Response | undefined;
  websocket?: WebSocketHandler<W>;
  /** HTTPS: the certificate chain and key (PEM). */
  tls?: { cert: string; key: string };
  /** SO_REUSEPORT, so a second listener with a new certificate can take over the port (tls-server.ts). */
  reusePort?: boolean;
};

/**
 * Binds the HTTP listener. A port in use or a privileged port becomes one clear error naming the
 * config key, instead of a stack trace.
 */
export const listen = <W = undefined>(options: ListenOptions<W>, log: Logger): Server<W> => {
  try {
    const common = {
      hostname: options.host,
      port: options.port,
      idleTimeout: 60,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.reusePort ? { reusePort: true } : {}),
    };
    // Without a websocket handler nothing upgrades, so `fetch` always resolves a Response.
    const plainFetch = options.fetch as (req: Request, server: Server<W>) => Promise<Response> | Response;
    const server = options.websocket
      ? Bun.serve<W>({ ...common, fetch: options.fetch, websocket: options.websocket })
      : Bun.serve<W>({ ...common, fetch: plainFetch });
    log.info(options.tls ? "https listening" : "http listening", { host: options.host, port: server.port });
    return server;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EADDRINUSE") {
      throw new XinError("http.port_in_use", `port ${options.port} on ${options.host} is already in use`, {
        hint: `stop the program using it, or choose another port: ${options.tls ? "server.https_port" : "server.port"} in xin.toml or ${options.tls ? "XIN_SERVER__HTTPS_PORT" : "XIN_SERVER__PORT"}`,
        cause: e,
      });
    }
    if (code === "EACCES") {
      throw new XinError("http.port_denied", `not allowed to listen on port ${options.port}`, {
        hint: `ports below 1024 need root or CAP_NET_BIND_SERVICE; or choose ${options.tls ? "server.https_port" : "server.port"} >= 1024`,
        cause: e,
      });
    }
    throw e;
  }
};
