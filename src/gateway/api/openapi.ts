import { z } from "zod";
import type { ApiRoute } from "./define";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as JsonSchema;
  return rest;
};

const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe("stable, dotted: auth.forbidden, escalation.claimed …"),
    message: z.string(),
    request_id: z.string(),
    field: z.string().optional(),
  }),
});

/** `:id` → `{id}`, the OpenAPI path template form. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, "{$1}");

const parameters = (route: ApiRoute) => {
  const list: Record<string, unknown>[] = [];
  const add = (where: "path" | "query", shape: z.ZodObject<z.ZodRawShape> | undefined) => {
    for (const [name, field] of Object.entries(shape?.shape ?? {})) {
      const schema = toSchema(field as z.ZodType, "input");
      list.push({
        name,
        in: where,
        required: where === "path" || !(field as z.ZodType).safeParse(undefined).success,
        schema,
        ...(schema.description ? { description: schema.description } : {}),
      });
    }
  };
  add("path", route.params);
  add("query", route.query);
  return list;
};

const errors = (route: ApiRoute) => {
  const codes = [
    "400",
    "401",
    ...(route.admin ? ["403"] : []),
    ...(route.resource || route.query?.shape.tenant ? ["403", "404"] : []),
    ...(route.method === "POST" ? ["409"] : []),
  ];
  return Object.fromEntries([...new Set(codes)].map((c) => [c, { $ref: `#/components/responses/Error` }]));
};

/**
 * The OpenAPI 3.1 document of the admin API, built from the same route definitions the router runs, so
 * it cannot drift. `x-resource` names what a path id refers to; the cross-tenant test uses it.
 */
export const openApiDocument = (routes: ApiRoute[], version: string) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation = {
      operationId: `${route.method.toLowerCase()}${openApiPath(route.path)
        .replace(/^\/api\/v1/, "")
        .replace(/[{}]/g, "")
        .replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      tags: [route.tag],
      security: [{ bearer: [] }],
      parameters: parameters(route),
      ...(route.body
        ? {
            requestBody: { required: true, content: { "application/json": { schema: toSchema(route.body, "input") } } },
          }
        : {}),
      responses: {
        [String(route.status ?? 200)]: {
          description: route.summary,
          content: route.stream
            ? { "text/event-stream": { schema: { type: "string" } } }
            : { "application/json": { schema: toSchema(route.response, "output") } },
        },
        ...errors(route),
      },
      ...(route.admin ? { "x-admin": true } : {}),
      ...(route.resource ? { "x-resource": route.resource } : {}),
    };
    paths[openApiPath(route.path)] = { ...paths[openApiPath(route.path)], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "xin admin API",
      version,
      description:
        "Tenants, brands, channels, conversations, escalations, tokens, automations and the audit log of a xin server.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Error: toSchema(ErrorBody, "output") },
      responses: {
        Error: {
          description: "an error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    },
  };
};
