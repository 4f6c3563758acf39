import type { Logger } from "../log";

export type RequestContext = {
  req: Request;
  url: URL;
  params: Record<string, string>;
  requestId: string;
  log: Logger;
  /**
   * The raw body, at most the configured limit (else `http.body_too_large`, 413). Read once. An upload
   * route passes its own larger limit and the config key that sets it (named in the 413).
   */
  body(limit?: { bytes: number; key: string }): Promise<Uint8Array>;
  /** The body parsed as JSON (`http.json_invalid`, 400, when it is not). */
  json(): Promise<unknown>;
  /** The client address, for logs and rate limits: the peer, or who it forwards for when it is a trusted proxy. */
  ip: string | null;
};

export type Handler = (ctx: RequestContext) => Response | Promise<Response>;
export type Route = { method: string; pattern: string; handler: Handler };
export type Match = { route: Route; params: Record<string, string> } | { route: null; allowed: string[] };

/**
 * A small method + path router. Patterns are literal segments and `:name` parameters; `*` as the last
 * segment matches the rest. The matched pattern (not the raw path) labels metrics, so ids never become
 * label values.
 */
export class Router {
  private readonly routes: { route: Route; parts: string[] }[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ route: { method, pattern, handler }, parts: pattern.split("/").filter(Boolean) });
    return this;
  }

  get(pattern: string, handler: Handler) {
    return this.add("GET", pattern, handler);
  }

  post(pattern: string, handler: Handler) {
    return this.add("POST", pattern, handler);
  }

  match(method: string, path: string): Match {
    const segments = path.split("/").filter(Boolean);
    const allowed: string[] = [];
    for (const { route, parts } of this.routes) {
      const params = matchParts(parts, segments);
      if (!params) continue;
      if (route.method === method || (method === "HEAD" && route.method === "GET")) return { route, params };
      allowed.push(route.method);
    }
    return { route: null, allowed };
  }

  list(): Route[] {
    return this.routes.map((r) => r.route);
  }
}

const matchParts = (parts: string[], segments: string[]): Record<string, string> | null => {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === "*" && i === parts.length - 1) {
      params["*"] = segments.slice(i).join("/");
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return null;
    if (part.startsWith(":")) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) return null;
  }
  return parts.length === segments.length ? params : null;
};
