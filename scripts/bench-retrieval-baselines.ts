// The JavaScript search libraries a TypeScript developer would reach for instead of our BM25,
// each with its default setup (Orama also with its built-in English stemming switched on),
// indexing the same `title text` string per document.
// Used by `bench-retrieval.ts --compare`; devDependencies only, never shipped in the binary.
import { create, insertMultiple, search } from "@orama/orama";
import lunr from "lunr";
import MiniSearch from "minisearch";

export type Doc = { id: string; content: string };
export type Hit = { id: string; score: number };
export type Baseline = { name: string; build(docs: Doc[]): Promise<(query: string) => Promise<Hit[]>> };

// lunr reads `field:term`, `term^2`, `+term`, `-term`, `term~1` and `*` as query syntax.
const lunrSafe = (q: string) => q.replace(/[:^~+\-*]/g, " ");

export const baselines: Baseline[] = [
  {
    name: "lunr 2.3.9",
    async build(docs) {
      const index = lunr(function () {
        this.ref("id");
        this.field("content");
        for (const d of docs) this.add(d);
      });
      return async (query) =>
        index
          .search(lunrSafe(query))
          .slice(0, 100)
          .map((r) => ({ id: r.ref, score: r.score }));
    },
  },
  {
    name: "minisearch 7.2.0",
    async build(docs) {
      const index = new MiniSearch<Doc>({ fields: ["content"], idField: "id" });
      index.addAll(docs);
      return async (query) =>
        index
          .search(query)
          .slice(0, 100)
          .map((r) => ({ id: String(r.id), score: r.score }));
    },
  },
  ...[false, true].map((stemming): Baseline => ({
    name: `orama 3.1.18${stemming ? " (English stemming on)" : ""}`,
    async build(docs) {
      const db = create({ schema: { content: "string" } as const, components: { tokenizer: { stemming } } });
      await insertMultiple(db, docs);
      return async (query) => {
        const results = await search(db, { term: query, limit: 100 });
        return results.hits.map((h) => ({ id: String(h.document.id), score: h.score }));
      };
    },
  })),
];
