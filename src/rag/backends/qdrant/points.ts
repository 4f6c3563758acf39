import { z } from "zod";
import { sha256Hex, XinError } from "../../../runtime";
import type { Chunk } from "../../ingest/chunker";
import type { Quarantine } from "../../ingest/quarantine/types";
import type { BrandScope, SourceMeta } from "../types";

/**
 * The three kinds of point xin keeps in its one Qdrant collection, all keyed by tenant_id and
 * brand_id in their payload:
 * - `chunk`: one per chunk of one generation of a source; carries the dense and sparse vectors.
 * - `source`: the per-source record (no vectors): the live generation, the hash and the metadata.
 *   Flipping this one point is the atomic step of a replace (see generations.ts).
 * - `brand`: one per brand (no vectors): a random token rewritten after every flip or removal, so a
 *   reader can tell cheaply whether any source of the brand changed while it searched.
 * Payloads are parsed with zod when read back: the collection is shared, and a malformed point
 * must fail loudly rather than surface half a chunk.
 */
export const KIND = { chunk: "chunk", source: "source", brand: "brand" } as const;

/** Fields that carry payload indexes; every filter xin sends uses only these. */
export const INDEXED_FIELDS = ["tenant_id", "brand_id", "kind", "source", "generation", "quarantine_state"] as const;

/** A flagged chunk's state: `held` points are excluded from every search by a must_not condition. */
export const QUARANTINE_STATE = { held: "held", released: "released" } as const;

const ChunkSchema: z.ZodType<Omit<Chunk, "quarantine">> = z.object({
  ordinal: z.number().int().nonnegative(),
  source: z.string(),
  url: z.string().optional(),
  title: z.string(),
  headingPath: z.array(z.string()),
  page: z.number().int().optional(),
  kind: z.enum(["paragraph", "list_item", "faq", "record", "code", "table"]),
  text: z.string(),
  tokens: z.number(),
  hash: z.string(),
});

const SourceMetaSchema: z.ZodType<SourceMeta> = z.object({
  source: z.string(),
  hash: z.string(),
  format: z.enum(["markdown", "text", "html", "pdf", "docx", "csv", "tsv", "json", "jsonl"]),
  title: z.string(),
  url: z.string().optional(),
  quarantined: z.number().int().positive().optional(),
});

export const ChunkPayload = z.object({ kind: z.literal(KIND.chunk), generation: z.string(), chunk: ChunkSchema });

const Release = z.object({ by: z.string(), at: z.string() });
/** A flagged chunk point as the owner's review reads it. */
export const FlaggedChunkPayload = ChunkPayload.extend({
  quarantine_state: z.enum([QUARANTINE_STATE.held, QUARANTINE_STATE.released]),
  quarantine: z.object({ score: z.number(), reasons: z.array(z.string()), evidence: z.string() }),
  quarantine_released: Release.optional(),
});
export const SourcePayload = z.object({
  kind: z.literal(KIND.source),
  source: z.string(),
  generation: z.string(),
  /** The generation this one replaced, until its points are deleted (an interrupted replace leaves it set). */
  retired: z.string().nullable(),
  chunks: z.number().int(),
  meta: SourceMetaSchema,
});
export const BrandPayload = z.object({ kind: z.literal(KIND.brand), token: z.string() });
export type SourceRecord = z.infer<typeof SourcePayload>;

/** Parses a payload read from Qdrant; a mismatch is a corrupt or foreign point. */
export const parsePayload = <T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> => {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  throw new XinError("rag.backend_corrupt", `a qdrant ${what} point has an unexpected payload`, {
    status: 500,
    data: { issue: parsed.error.issues[0]?.path.join(".") },
  });
};

// Point ids must be unsigned integers or UUIDs: hash the identifying parts into UUID form.
export const pointId = (...parts: string[]): string => {
  const hex = sha256Hex(JSON.stringify(parts));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const chunkPointId = (scope: BrandScope, source: string, generation: string, ordinal: number) =>
  pointId(KIND.chunk, scope.tenant_id, scope.brand_id, source, generation, String(ordinal));
export const sourcePointId = (scope: BrandScope, source: string) =>
  pointId(KIND.source, scope.tenant_id, scope.brand_id, source);
export const brandPointId = (scope: BrandScope) => pointId(KIND.brand, scope.tenant_id, scope.brand_id);

export const scopePayload = (scope: BrandScope) => ({ tenant_id: scope.tenant_id, brand_id: scope.brand_id });

export const chunkPayload = (scope: BrandScope, generation: string, chunk: Chunk) => {
  const { quarantine, ...plain } = chunk;
  return {
    ...scopePayload(scope),
    kind: KIND.chunk,
    source: chunk.source,
    generation,
    chunk: plain,
    ...(quarantine ? flaggedFields(quarantine) : {}),
  };
};

const flaggedFields = ({ released, ...finding }: Quarantine) => ({
  quarantine_state: released ? QUARANTINE_STATE.released : QUARANTINE_STATE.held,
  quarantine: finding,
  ...(released ? { quarantine_released: released } : {}),
});

export const sourcePayload = (
  scope: BrandScope,
  meta: SourceMeta,
  generation: string,
  retired: string | null,
  chunks: number,
) => ({
  ...scopePayload(scope),
  kind: KIND.source,
  source: meta.source,
  generation,
  retired,
  chunks,
  meta,
});

type Match = { key: string; match: { value: string } | { any: string[] } };
export type ScopedFilter = { must: Match[]; must_not?: Match[] };

const eq = (key: string, value: string): Match => ({ key, match: { value } });

/**
 * The filter every read and delete carries: tenant_id AND brand_id first, then the narrowing
 * conditions. Built in one place so no call site can forget the scope.
 */
export const scopedFilter = (
  scope: BrandScope,
  kind: string,
  extra: Record<string, string | string[]> = {},
): ScopedFilter => ({
  must: [
    eq("tenant_id", scope.tenant_id),
    eq("brand_id", scope.brand_id),
    eq("kind", kind),
    ...Object.entries(extra).map(([key, value]): Match =>
      Array.isArray(value) ? { key, match: { any: value } } : eq(key, value),
    ),
  ],
});

/** The filter of every search: the scope, live generations, and never a held-back chunk. */
export const searchFilter = (scope: BrandScope, generations: string[]): ScopedFilter => ({
  ...scopedFilter(scope, KIND.chunk, { generation: generations }),
  must_not: [eq("quarantine_state", QUARANTINE_STATE.held)],
});
