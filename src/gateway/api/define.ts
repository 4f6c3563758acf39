import { z } from "zod";
import { XinError } from "../../runtime";
import { json, type RequestContext, type Router } from "../../runtime/http";
import type { Principal } from "../../tenancy";
import { authenticate, requireAdmin, type AuthDeps } from "../auth";

type Method = "GET" | "POST" | "PATCH" | "DELETE";
type AnyObject = z.ZodObject<z.ZodRawShape>;
const Empty = z.object({});
type EmptyObject = typeof Empty;

export type RouteInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> = {
  ctx: RequestContext;
  principal: Principal;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
};

/**
 * One admin-API operation. The same object registers the handler and describes the operation in the
 * OpenAPI document, so the document cannot drift from what the server accepts: params, query and body
 * are parsed with these schemas before the handler runs (400 `api.invalid` naming the field).
 */
export type RouteDef<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> = {
  method: Method;
  path: `/api/v1/${string}`;
  summary: string;
  tag: string;
  /** Instance admins only (403 for agents). */
  admin?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  response: z.ZodType;
  status?: number;
  /** What the path's `:id` names: the generated isolation test fills it with another tenant's object. */
  resource?: string;
  /** A text/event-stream answer instead of JSON. */
  stream?: boolean;
  /**
   * Reads the body itself (an upload: its own size limit, multipart/form-data besides JSON) into the
   * value `body` validates. The document describes the JSON form.
   */
  readBody?: (ctx: RequestContext) => Promise<unknown>;
  handle(input: RouteInput<P, Q, B>): Promise<unknown>;
};

/** A route with its types erased: what the registry, the router and the OpenAPI generator hold. */
export type ApiRoute = Omit<RouteDef<AnyObject, AnyObject, z.ZodType>, "handle"> & {
  run(ctx: RequestContext, deps: AuthDeps): Promise<Response>;
};

const invalid = (error: z.ZodError, where: string) => {
  const issue = error.issues[0];
  const field = issue?.path.length ? issue.path.join(".") : where;
  return new XinError("api.invalid", `${field}: ${issue?.message ?? "invalid"}`, { status: 400, data: { field } });
};

const parseOr = <T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error, where);
  return parsed.data;
};

export const defineRoute = <
  P extends AnyObject = EmptyObject,
  Q extends AnyObject = EmptyObject,
  B extends z.ZodType = z.ZodUndefined,
>(
  def: RouteDef<P, Q, B>,
): ApiRoute => ({
  ...def,
  run: async (ctx, deps) => {
    const principal = await authenticate(ctx, deps);
    if (def.admin) requireAdmin(principal);
    const params = parseOr(def.params ?? Empty, ctx.params, "path") as z.output<P>;
    const query = parseOr(def.query ?? Empty, Object.fromEntries(ctx.url.searchParams), "query") as z.output<Q>;
    const body = (
      def.body ? parseOr(def.body, await (def.readBody ? def.readBody(ctx) : ctx.json()), "body") : undefined
    ) as z.output<B>;
    const result = await def.handle({ ctx, principal, params, query, body });
    return result instanceof Response ? result : json(result, def.status ?? 200);
  },
});

export const registerRoutes = (router: Router, routes: ApiRoute[], deps: AuthDeps) => {
  for (const route of routes) router.add(route.method, route.path, (ctx) => route.run(ctx, deps));
};
