import { XinError } from "../runtime";

/**
 * The admin-API client CLI commands use whenever a server runs (locally or remote). Errors are
 * XinErrors carrying the server's error code; an unreachable server is `client.unreachable`.
 */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  get<T>(path: string, timeoutMs = 5000): Promise<T> {
    return this.request<T>("GET", path, undefined, timeoutMs);
  }

  async request<T>(method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new XinError("client.unreachable", `cannot reach the xin server at ${this.baseUrl}`, {
        hint: "is `xin serve` running?",
        cause,
      });
    }
    const answer = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    if (!res.ok) {
      throw new XinError(
        answer?.error?.code ?? "client.http_error",
        answer?.error?.message ?? `server answered ${res.status}`,
        {
          status: res.status,
          hint: res.status === 401 ? "check the admin token (XIN_ADMIN_TOKEN in xin.env, or --token)" : undefined,
        },
      );
    }
    return answer as T;
  }
}

/** The local server's base URL from its config (0.0.0.0/:: listen → loopback). */
export const localBaseUrl = (host: string, port: number): string => {
  const h = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}`;
};
