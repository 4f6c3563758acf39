/**
 * The fake Qdrant's view of the OpenAPI document: operations as routes, and the checks every
 * request and every answer go through (query parameters declared and typed, body valid under the
 * operation's requestBody schema, answer valid under its 200 schema).
 */
import { join } from "node:path";
import { sharedRoot } from "../fixtures";
import type { RecordedRequest } from "./fake-server";
import { createSchemaValidator, type JsonSchema, type OpenApiDocument } from "./openapi-validator";

const SPEC_PATH = join(sharedRoot, "reference", "qdrant", "openapi-1.19.json");

type Parameter = { name: string; in: "path" | "query" | "header"; schema: JsonSchema };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { content?: { "application/json"?: { schema: JsonSchema } } }>;
};
type Doc = OpenApiDocument & { paths: Record<string, Record<string, Operation>> };
export type Route = { method: string; pattern: RegExp; names: string[]; op: Operation };
export type RouteMatch = { route: Route; params: Record<string, string> } | { status: 404 | 405; error: string };
export type Checked = { body: Record<string, unknown>; problem: string | null };

let cachedDoc: Doc | undefined;

const parseQueryValue = (raw: string): unknown => {
  if (raw === "true" || raw === "false") return raw === "true";
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
};

export const loadQdrantApi = async () => {
  const doc = (cachedDoc ??= (await Bun.file(SPEC_PATH).json()) as Doc);
  const validator = createSchemaValidator(doc);
  const routes: Route[] = Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const names: string[] = [];
      const source = template
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), "([^/]+)"));
      return { method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), names, op };
    }),
  );

  const match = (method: string, path: string): RouteMatch => {
    // Literal segments win over parameters (`/points/scroll` before `/points/{id}`), as in Qdrant's router.
    const found = routes
      .map((route) => ({ route, m: route.pattern.exec(path) }))
      .filter((x): x is { route: Route; m: RegExpExecArray } => x.m !== null)
      .sort((a, b) => a.route.names.length - b.route.names.length);
    if (found.length === 0) return { status: 404, error: `Not found: ${path}` };
    const hit = found.find((x) => x.route.method === method);
    if (!hit) return { status: 405, error: `method ${method} not allowed on ${path}` };
    const params = Object.fromEntries(hit.route.names.map((name, i) => [name, decodeURIComponent(hit.m[i + 1] ?? "")]));
    return { route: hit.route, params };
  };

  const checkRequest = (route: Route, r: RecordedRequest): Checked => {
    const declared = new Map(
      (route.op.parameters ?? []).filter((p) => p.in === "query").map((p) => [p.name, p.schema]),
    );
    for (const [key, raw] of r.query) {
      const schema = declared.get(key);
      if (!schema) return { body: {}, problem: `Query deserialize error: unknown field \`${key}\`` };
      const problem = validator.validate(schema, parseQueryValue(raw), `query.${key}`);
      if (problem) return { body: {}, problem: `Query deserialize error: ${problem}` };
    }
    const schema = route.op.requestBody?.content["application/json"].schema;
    if (!schema) return { body: {}, problem: r.text.length > 0 ? "this operation takes no body" : null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.text.length > 0 ? r.text : "{}");
    } catch {
      return { body: {}, problem: "Json deserialize error: body is not JSON" };
    }
    const problem = validator.validate(schema, parsed);
    return {
      body: (parsed ?? {}) as Record<string, unknown>,
      problem: problem && `Json deserialize error: ${problem}`,
    };
  };

  /** The problem with an answer the fake is about to send, or null. */
  const checkAnswer = (route: Route, envelope: unknown): string | null => {
    const schema = route.op.responses["200"]?.content?.["application/json"]?.schema;
    return schema ? validator.validate(schema, envelope, "response") : null;
  };

  const validateComponent = (name: string, value: unknown) =>
    validator.validate({ $ref: `#/components/schemas/${name}` }, value);
  return { match, checkRequest, checkAnswer, validateComponent };
};
