import type { Server } from "bun";
import { XinError } from "../errors";
import type { Logger } from "../log";

export type ListenOptions = { host: string; port: number; fetch: (req: Request, server: Server<undefined>) => Promise<Response> | Response };

/**
 * Binds the HTTP listener. A port in use or a privileged port becomes one clear error naming the
 * config key, instead of a stack trace.
 */
export const listen = (options: ListenOptions, log: Logger): Server<undefined> => {
  try {
    const server = Bun.serve({ hostname: options.host, port: options.port, fetch: options.fetch, idleTimeout: 60 });
    log.info("http listening", { host: options.host, port: server.port });
    return server;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EADDRINUSE") {
      throw new XinError("http.port_in_use", `port ${options.port} on ${options.host} is already in use`, {
        hint: "stop the program using it, or choose another port: server.port in xin.toml or XIN_SERVER__PORT",
        cause: e,
      });
    }
    if (code === "EACCES") {
      throw new XinError("http.port_denied", `not allowed to listen on port ${options.port}`, {
        hint: "ports below 1024 need root or CAP_NET_BIND_SERVICE; choose server.port >= 1024",
        cause: e,
      });
    }
    throw e;
  }
};
