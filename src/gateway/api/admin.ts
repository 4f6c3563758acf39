import type { Router } from "../../runtime/http";
import { automationRoutes } from "./automations";
import { brandRoutes } from "./brands";
import { channelRoutes } from "./channels";
import { conversationRoutes } from "./conversations";
import { registerRoutes, type ApiRoute } from "./define";
import { escalationRoutes } from "./escalations";
import { eventRoutes, type EventsDeps } from "./events";
import { openApiDocument } from "./openapi";
import type { AdminDeps } from "./scope";
import { tenantRoutes } from "./tenants";
import { tokenRoutes } from "./tokens";

export type AdminApiDeps = AdminDeps &
  EventsDeps & {
    version: string;
    /** Routes of other areas (knowledge) to serve and describe too. */ extra?: ApiRoute[];
  };

/** Every described admin-API route, one list per area; the OpenAPI document is generated from it. */
export const adminRoutes = (deps: AdminApiDeps, closing: AbortSignal = new AbortController().signal): ApiRoute[] => [
  ...tenantRoutes(deps),
  ...brandRoutes(deps),
  ...channelRoutes(deps),
  ...conversationRoutes(deps),
  ...escalationRoutes(deps),
  ...tokenRoutes(deps),
  ...automationRoutes(deps),
  ...eventRoutes(deps, closing),
  ...(deps.extra ?? []),
];

/**
 * Registers the admin API and `GET /api/v1/openapi.json` (public: a description, no data). Returns the
 * routes and `closeStreams`, which ends every open event stream (called when the gateway stops).
 */
export const registerAdminApi = (
  router: Router,
  deps: AdminApiDeps,
): { routes: ApiRoute[]; closeStreams: () => void } => {
  const closing = new AbortController();
  const routes = adminRoutes(deps, closing.signal);
  registerRoutes(router, routes, deps);
  const document = JSON.stringify(openApiDocument(routes, deps.version));
  router.get(
    "/api/v1/openapi.json",
    () => new Response(document, { headers: { "content-type": "application/json; charset=utf-8" } }),
  );
  return { routes, closeStreams: () => closing.abort() };
};
