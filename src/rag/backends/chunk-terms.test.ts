import { describe, expect, test } from "bun:test";
import type { Chunk } from "../ingest/chunker";
import { analyzerFor } from "../lexical/analyzer";
import { chunkTerms, FIELD_BOOST } from "./chunk-terms";
import { MemoryBackend } from "./memory";

const chunk = (
  source: string,
  title: string,
  headingPath: string[],
  text: string,
  kind: Chunk["kind"] = "paragraph",
): Chunk => ({
  ordinal: 0,
  source,
  title,
  headingPath,
  kind,
  text,
  tokens: 10,
  hash: `${source}-h`,
});

describe("field boost", () => {
  const en = analyzerFor("en");

  test("title, headings and an FAQ's question count FIELD_BOOST times, the body once", () => {
    const terms = chunkTerms(en, chunk("returns.md", "Returns", ["Damaged items"], "Send us a photo."));
    const count = (t: string) => terms.filter((x) => x === t).length;
    expect(count("return")).toBe(FIELD_BOOST);
    expect(count("damag")).toBe(FIELD_BOOST);
    expect(count("photo")).toBe(1);
    const faq = chunkTerms(
      en,
      chunk("faq.csv", "faq.csv", [], "Can I pay by invoice?\nYes, for business customers.", "faq"),
    );
    expect(faq.filter((x) => x === "invoic").length).toBe(FIELD_BOOST);
    expect(faq.filter((x) => x === "busi" || x === "business").length).toBe(1);
  });

  test("a file-name title counts as its words, without the extension", () => {
    const terms = chunkTerms(en, chunk("docs/opening-hours.txt", "opening-hours.txt", [], "Monday to Friday 9 to 5."));
    expect(terms).toContain("open");
    expect(terms).not.toContain("txt");
  });

  test("ranking: the chunk whose heading names the subject beats one that mentions it in passing", async () => {
    const backend = new MemoryBackend(() => en);
    const scope = { tenant_id: "t", brand_id: "b" };
    const a = chunk(
      "a.md",
      "Company",
      ["Delivery"],
      "Parcels arrive in two days. Our team also handles refunds quickly and with care.",
    );
    const b = {
      ...chunk(
        "b.md",
        "Company",
        ["Refunds"],
        "Money goes back to your card within five days of us receiving the parcel.",
      ),
      hash: "b",
    };
    await backend.upsertSource({
      scope,
      meta: { source: "a.md", hash: "1", format: "markdown", title: "Company" },
      chunks: [a],
    });
    await backend.upsertSource({
      scope,
      meta: { source: "b.md", hash: "2", format: "markdown", title: "Company" },
      chunks: [b],
    });
    const hits = (await backend.search({ scope, query: "How do refunds work?", k: 2 })).hits;
    expect(hits.map((h) => h.chunk.source)).toEqual(["b.md", "a.md"]);
  });
});

describe("query term weights", () => {
  test("lexical search reports each query term's IDF over the brand (rare and unknown terms weigh most)", async () => {
    const en = analyzerFor("en");
    const backend = new MemoryBackend(() => en);
    const scope = { tenant_id: "t", brand_id: "b" };
    const texts = ["We ship to Austria.", "We ship to Italy.", "We ship to France."];
    await backend.upsertSource({
      scope,
      meta: { source: "s.md", hash: "1", format: "markdown", title: "S" },
      chunks: texts.map((text, i) => ({ ...chunk("s.md", "S", [], text), ordinal: i, hash: `h${i}` })),
    });
    const result = await backend.search({ scope, query: "Do you ship to Austria or Mars?", k: 3 });
    const idf = new Map(result.terms?.map((t) => [t.term, t.idf]));
    expect([...idf.keys()].sort()).toEqual(["austria", "mar", "ship"]);
    expect(idf.get("ship")).toBeLessThan(idf.get("austria") ?? 0);
    expect(idf.get("austria")).toBeLessThan(idf.get("mar") ?? 0);
  });
});

describe("misspelt query terms", () => {
  test("a typo is searched as the known term and reported with read_as; the passage is found", async () => {
    const en = analyzerFor("en");
    const backend = new MemoryBackend(() => en);
    const scope = { tenant_id: "t", brand_id: "b" };
    const texts = [
      "Sellers pay a commission of 8 % per sale.",
      "Gift cards never expire.",
      "Parcels ship in two days.",
    ];
    await backend.upsertSource({
      scope,
      meta: { source: "s.md", hash: "1", format: "markdown", title: "S" },
      chunks: texts.map((text, i) => ({ ...chunk("s.md", "S", [], text), ordinal: i, hash: `h${i}` })),
    });
    const typo = await backend.search({ scope, query: "how much commision do sellers pay?", k: 1 });
    expect(typo.hits[0]?.chunk.text).toStartWith("Sellers pay a commission");
    expect(typo.terms?.find((t) => t.term === "commis")).toMatchObject({ df: 0, read_as: ["commiss"] });
    expect((await backend.search({ scope, query: "do giftcards expire", k: 1 })).hits[0]?.chunk.text).toBe(
      "Gift cards never expire.",
    );
  });
});
