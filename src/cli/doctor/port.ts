import { fail, ok, warn, type Check } from "./check";

/** Whether an HTTP server on this port answers /healthz as xin does (`{"status":"ok"}`). */
const answersAsXin = async (port: number): Promise<boolean> => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { status?: unknown };
    return res.status === 200 && body.status === "ok";
  } catch {
    return false;
  }
};

/**
 * The listening port is free, or held by this instance's own server (`servingPid` from the data dir's
 * lock). Binding is tried for real, so permissions (ports below 1024) are checked too.
 */
export const checkPort = async (
  name: string,
  host: string,
  port: number,
  servingPid: number | null,
): Promise<Check> => {
  if (servingPid !== null && (await answersAsXin(port)))
    return ok(name, `${host}:${port} is served by this xin (pid ${servingPid})`);
  try {
    const probe = Bun.listen({ hostname: host, port, socket: { data() {} } });
    probe.stop(true);
    return ok(name, `${host}:${port} is free`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    if (code === "EACCES" || code === "EPERM") {
      return warn(
        name,
        `${host}:${port} needs privileges to bind (port below 1024)`,
        "run xin under its systemd unit, which grants CAP_NET_BIND_SERVICE (`xin systemd install`)",
      );
    }
    if (code === "EADDRINUSE") {
      const xin = await answersAsXin(port);
      return fail(
        name,
        xin ? `${host}:${port} is taken by another xin instance` : `${host}:${port} is taken by another program`,
        `find it with: ss -ltnp 'sport = :${port}' ; stop it, or set server.port to a free port`,
      );
    }
    return fail(
      name,
      `cannot bind ${host}:${port}: ${code || (e as Error).message}`,
      "check server.host: it must be an address of this machine (0.0.0.0 for all)",
    );
  }
};
