import { z } from "zod";
import { configSchema } from "./schema";

export type KeyDoc = { key: string; env: string; default: string; description: string };

const unwrap = (t: z.ZodType): { inner: z.ZodType; def?: unknown } => {
  let inner = t;
  let def: unknown;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      def = (inner.def as { defaultValue: unknown }).defaultValue;
      inner = inner.def.innerType as z.ZodType;
    } else if (inner instanceof z.ZodOptional) inner = inner.def.innerType as z.ZodType;
    else return { inner, def };
  }
};

/** Every config key with its env variable, default and description, from the schema itself. */
export const configKeys = (schema: z.ZodObject = configSchema, prefix = ""): KeyDoc[] =>
  Object.entries(schema.shape).flatMap(([name, field]) => {
    const key = `${prefix}${name}`;
    const { inner, def } = unwrap(field as z.ZodType);
    if (inner instanceof z.ZodObject) return configKeys(inner, `${key}.`);
    return [
      {
        key,
        env: `XIN_${key.toUpperCase().replaceAll(".", "__")}`,
        default: def === undefined ? "" : JSON.stringify(def),
        description: (field as z.ZodType).description ?? inner.description ?? "",
      },
    ];
  });

/** The README's configuration table. */
export const configTable = (): string =>
  [
    "| key | env | default | meaning |",
    "| --- | --- | --- | --- |",
    ...configKeys().map(
      (k) => `| \`${k.key}\` | \`${k.env}\` | ${k.default ? `\`${k.default}\`` : ""} | ${k.description} |`,
    ),
  ].join("\n");
