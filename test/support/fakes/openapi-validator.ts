/**
 * A JSON-schema validator for the subset of OpenAPI 3.0 schema keywords that Qdrant's published
 * document uses: $ref, type, nullable, format, enum, properties, required, additionalProperties,
 * items, anyOf, oneOf, minimum, maximum, minLength, minItems, uniqueItems. Annotations
 * (description, default, example, deprecated) are ignored.
 *
 * Two readings are deliberate and make the fake stricter than a literal reading of the document:
 * - `{ "nullable": true }` alone (the spec's way of writing "or null" inside anyOf) accepts only null;
 *   read literally it would accept anything and every `anyOf: [X, {nullable}]` would be void.
 * - In `closed` mode (the default) an object schema that declares `properties` and says nothing
 *   about `additionalProperties` rejects unknown keys. The real server ignores most unknown keys,
 *   so a misspelt field would silently do nothing there; here it fails the test instead. Every
 *   request the fake accepts is therefore valid under the spec, and a bit more.
 *
 * Contract: pure; returns the first problem found as `path: reason`, or null when valid.
 */
export type JsonSchema = {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  nullable?: boolean;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  uniqueItems?: boolean;
};

export type OpenApiDocument = { components: { schemas: Record<string, JsonSchema> } };

const INTEGER_RANGES: Record<string, [number, number]> = {
  uint8: [0, 255],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  uint: [0, Number.MAX_SAFE_INTEGER],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONSTRAINTS = ["$ref", "type", "enum", "properties", "items", "anyOf", "oneOf", "additionalProperties"] as const;

const depth = (problem: string): number => problem.slice(0, problem.indexOf(": ")).split(/[.[]/).length;
const deepest = (problems: (string | null)[]): string | undefined =>
  problems.reduce<string | undefined>(
    (best, p) => (p !== null && (best === undefined || depth(p) > depth(best)) ? p : best),
    undefined,
  );

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const describe = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

export const createSchemaValidator = (doc: OpenApiDocument, options: { closed?: boolean } = {}) => {
  const closed = options.closed ?? true;

  const resolve = (ref: string): JsonSchema => {
    const name = ref.replace(/^#\/components\/schemas\//, "");
    const schema = doc.components.schemas[name];
    if (!schema) throw new Error(`unresolvable $ref ${ref}`);
    return schema;
  };

  const checkType = (schema: JsonSchema, value: unknown, path: string): string | null => {
    switch (schema.type) {
      case "object":
        return isPlainObject(value) ? null : `${path}: expected object, got ${describe(value)}`;
      case "array":
        return Array.isArray(value) ? null : `${path}: expected array, got ${describe(value)}`;
      case "string":
        if (typeof value !== "string") return `${path}: expected string, got ${describe(value)}`;
        if (schema.format === "uuid" && !UUID.test(value)) return `${path}: not a uuid`;
        return schema.minLength !== undefined && value.length < schema.minLength
          ? `${path}: shorter than ${schema.minLength}`
          : null;
      case "integer": {
        if (typeof value !== "number" || !Number.isInteger(value))
          return `${path}: expected integer, got ${describe(value)}`;
        const range = schema.format ? INTEGER_RANGES[schema.format] : undefined;
        return range && (value < range[0] || value > range[1]) ? `${path}: out of range for ${schema.format}` : null;
      }
      case "number":
        return typeof value === "number" && Number.isFinite(value)
          ? null
          : `${path}: expected number, got ${describe(value)}`;
      case "boolean":
        return typeof value === "boolean" ? null : `${path}: expected boolean, got ${describe(value)}`;
      default:
        return null;
    }
  };

  const checkObject = (schema: JsonSchema, value: Record<string, unknown>, path: string): string | null => {
    for (const key of schema.required ?? []) if (!(key in value)) return `${path}: missing required field "${key}"`;
    const props = schema.properties ?? {};
    for (const [key, item] of Object.entries(value)) {
      const prop = props[key];
      if (prop) {
        const problem = validate(prop, item, `${path}.${key}`);
        if (problem) return problem;
        continue;
      }
      const extra = schema.additionalProperties;
      if (typeof extra === "object") {
        const problem = validate(extra, item, `${path}.${key}`);
        if (problem) return problem;
      } else if (extra === false || (extra === undefined && closed && schema.properties)) {
        return `${path}: unknown field "${key}"`;
      }
    }
    return null;
  };

  const checkArray = (schema: JsonSchema, value: unknown[], path: string): string | null => {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return `${path}: fewer than ${schema.minItems} items`;
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length)
      return `${path}: items are not unique`;
    if (!schema.items) return null;
    for (let i = 0; i < value.length; i++) {
      const problem = validate(schema.items, value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };

  const validate = (schema: JsonSchema, value: unknown, path: string): string | null => {
    if (schema.$ref) return validate(resolve(schema.$ref), value, path);
    const constrains = CONSTRAINTS.some((k) => schema[k] !== undefined);
    if (value === null) {
      if (schema.nullable || !constrains) return null;
      const branches = schema.anyOf ?? schema.oneOf ?? [];
      return branches.some((branch) => validate(branch, null, path) === null) ? null : `${path}: must not be null`;
    }
    if (schema.nullable && !constrains) return `${path}: expected null, got ${describe(value)}`;
    if (schema.anyOf) {
      const problems = schema.anyOf.map((branch) => validate(branch, value, path));
      // Report the alternative that got furthest into the value: its problem is the informative one.
      if (!problems.includes(null)) return deepest(problems) ?? `${path}: matches no alternative`;
    }
    if (schema.oneOf) {
      const matches = schema.oneOf.filter((branch) => validate(branch, value, path) === null).length;
      if (matches !== 1) return `${path}: matches ${matches} of the oneOf alternatives (exactly one required)`;
    }
    const typeProblem = checkType(schema, value, path);
    if (typeProblem) return typeProblem;
    if (schema.enum && !schema.enum.includes(value))
      return `${path}: must be one of ${schema.enum.map(String).join(", ")}`;
    if (typeof value === "number") {
      if (schema.minimum !== undefined && value < schema.minimum) return `${path}: below minimum ${schema.minimum}`;
      if (schema.maximum !== undefined && value > schema.maximum) return `${path}: above maximum ${schema.maximum}`;
    }
    if (
      isPlainObject(value) &&
      (schema.type === "object" || schema.properties || schema.additionalProperties !== undefined)
    ) {
      return checkObject(schema, value, path);
    }
    if (Array.isArray(value)) return checkArray(schema, value, path);
    return null;
  };

  return { validate: (schema: JsonSchema, value: unknown, path = "body") => validate(schema, value, path), resolve };
};
