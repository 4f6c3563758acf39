/**
 * Shared set-up for tests of the Qdrant backend against the fake: one fake per test file (started
 * in beforeAll, stopped in afterAll), a fresh collection per backend unless one is named, and the
 * small fixtures those tests share.
 */
import { afterAll, beforeAll } from "bun:test";
import { analyzerFor, chunkDocument, QdrantBackend, type BrandScope, type SourceMeta } from "../../../src/rag";
import { startQdrantFake, type QdrantFake } from "./qdrant";

export type BackendOptions = {
  denseSize?: number;
  collection?: string;
  url?: string;
  avgdl?: number;
  timeoutMs?: number;
};

export const useQdrantFake = (defaultDenseSize: number) => {
  let fake: QdrantFake | undefined;
  let count = 0;
  const created: string[] = [];
  beforeAll(async () => {
    fake = await startQdrantFake();
  });
  afterAll(() => fake?.stop());

  const current = (): QdrantFake => {
    if (!fake) throw new Error("the fake qdrant starts in beforeAll");
    return fake;
  };
  const make = (options: BackendOptions = {}) => {
    const collection = options.collection ?? `xin_test_${++count}`;
    created.push(collection);
    return new QdrantBackend({
      url: options.url ?? current().url,
      collection,
      denseSize: "denseSize" in options ? options.denseSize : defaultDenseSize,
      analyzerFor: () => analyzerFor("en"),
      bm25: options.avgdl === undefined ? {} : { avgdl: options.avgdl },
      timeoutMs: options.timeoutMs,
    });
  };
  /** The collection of the backend made last. */
  const lastCollection = (): string => created[created.length - 1] ?? "";
  return { fake: current, make, created, lastCollection };
};

export const A: BrandScope = { tenant_id: "ten_a", brand_id: "brd" };
export const B: BrandScope = { tenant_id: "ten_b", brand_id: "brd" };
export const meta = (source: string, hash: string): SourceMeta => ({ source, hash, format: "markdown", title: source });
/** One chunk per text (each under its own heading). */
export const chunksOf = (source: string, ...texts: string[]) =>
  chunkDocument(
    { sections: texts.map((text, i) => ({ kind: "paragraph", text, headingPath: [`H${i}`] })) },
    { source },
    { maxTokens: 20, overlapTokens: 0 },
  );

type Condition = { key?: string; match?: { value?: unknown } };
/** The `must` conditions of a filter as sent on the wire. */
export const mustOf = (filter: unknown): Condition[] => (filter as { must?: Condition[] } | undefined)?.must ?? [];
/** Texts of the chunk points stored in a collection, sorted. */
export const storedTexts = (fake: QdrantFake, collection: string): string[] =>
  fake
    .points(collection)
    .filter((p) => p.payload.kind === "chunk")
    .map((p) => (p.payload.chunk as { text: string }).text)
    .sort();

/**
 * Every filter the fake received on a read or delete path (query, each prefetch, scroll, count,
 * delete) that does not start with an exact tenant_id AND brand_id match: should be [].
 */
export const unscopedFilters = (fake: QdrantFake): unknown[] => {
  const filters: unknown[] = [];
  for (const search of fake.searches()) {
    filters.push(search.filter);
    for (const prefetch of (search.prefetch ?? []) as { filter?: unknown }[]) filters.push(prefetch.filter);
  }
  for (const r of fake.requests) if (/\/points\/(scroll|count|delete)$/.test(r.path)) filters.push(r.body?.filter);
  return filters.filter((filter) => {
    const [tenant, brand] = mustOf(filter);
    return !(
      tenant?.key === "tenant_id" &&
      typeof tenant.match?.value === "string" &&
      brand?.key === "brand_id" &&
      typeof brand.match?.value === "string"
    );
  });
};
