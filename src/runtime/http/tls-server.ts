import type { Server } from "bun";
import type { Logger } from "../log";
import { listen, type ListenOptions } from "./server";

export type TlsPair = { cert: string; key: string };

export type TlsListener<W> = {
  port(): number;
  /** Serves `pair` to new connections; connections already open finish on the old certificate. */
  swap(pair: TlsPair): Promise<void>;
  stop(deadline: number): Promise<void>;
  server(): Server<W>;
};

/**
 * An HTTPS listener whose certificate can be replaced without a restart. `Bun.serve`'s
 * `reload({ tls })` keeps serving the old certificate (only handlers reload), so a swap binds a second
 * server on the same port with SO_REUSEPORT and the new pair, then stops the old one gracefully: the
 * port never closes, and open connections (a streaming socket, a long upload) are not cut.
 */
export const listenTls = <W = undefined>(options: ListenOptions<W> & { tls: TlsPair }, log: Logger): TlsListener<W> => {
  const bind = (pair: TlsPair, port: number) => listen({ ...options, port, tls: pair, reusePort: true }, log);
  let current = bind(options.tls, options.port);
  // Port 0 picks one; every later swap must bind that same one.
  const port = current.port ?? options.port;
  // Listeners replaced by a swap, still finishing their requests (a widget socket may stay for hours).
  const draining = new Set<Server<W>>();
  return {
    port: () => port,
    server: () => current,
    swap: async (pair) => {
      const previous = current;
      current = bind(pair, port);
      log.info("https certificate swapped", { port });
      // Graceful: refuses new connections at once, lets open requests and sockets finish. Not awaited:
      // a long-lived socket must not hold up the renewal that called this.
      draining.add(previous);
      void previous.stop(false).finally(() => draining.delete(previous));
    },
    stop: async (deadline) => {
      const all = [current, ...draining];
      await Promise.race([Promise.all(all.map((s) => s.stop(false))), Bun.sleep(Math.max(0, deadline - Date.now()))]);
      for (const s of all) s.stop(true);
      draining.clear();
    },
  };
};
