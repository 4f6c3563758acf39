import { describe, expect, test } from "bun:test";
import { sha256Hex } from "../../runtime";
import { chunkDocument, indexText } from "./chunker";
import { estimateTokens } from "./tokens";
import type { ParsedDocument, Section } from "./types";

const para = (text: string, headingPath: string[] = [], page?: number): Section => ({
  kind: "paragraph",
  text,
  headingPath,
  ...(page ? { page } : {}),
});
const sentence = (i: number) => `Sentence number ${i} talks about kettles.`;
const ref = { source: "guide.md" };

describe("chunkDocument", () => {
  test("small sections under one heading share a chunk; a new heading starts a new chunk", () => {
    const doc: ParsedDocument = {
      title: "Guide",
      sections: [para("A one.", ["H1"]), para("A two.", ["H1"]), para("B one.", ["H1", "H2"])],
    };
    const chunks = chunkDocument(doc, ref);
    expect(chunks.map((c) => [c.text, c.headingPath])).toEqual([
      ["A one.\n\nA two.", ["H1"]],
      ["B one.", ["H1", "H2"]],
    ]);
    expect(chunks.map((c) => c.ordinal)).toEqual([0, 1]);
    expect(chunks[0]).toMatchObject({ source: "guide.md", title: "Guide", kind: "paragraph" });
  });

  test("a long section is cut at sentence boundaries within budget, with overlap carried over", () => {
    const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join(" ");
    const chunks = chunkDocument({ sections: [para(text)] }, ref, { maxTokens: 60, overlapTokens: 15 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(estimateTokens(c.text)).toBeLessThanOrEqual(60);
    for (let i = 1; i < chunks.length; i++) {
      // The next chunk opens with whole trailing sentences of the previous one, within 15 tokens.
      const previous = chunks[i - 1].text;
      const first = chunks[i].text.split(/(?<=\.) /)[0];
      const tail = previous.slice(previous.lastIndexOf(first));
      expect(previous.lastIndexOf(first)).toBeGreaterThan(0);
      expect(chunks[i].text.startsWith(`${tail} `)).toBe(true);
      expect(estimateTokens(tail)).toBeLessThanOrEqual(15);
    }
    // Every sentence is somewhere, in order.
    const seen = chunks.map((c) => c.text).join(" ");
    for (let i = 0; i < 40; i++) expect(seen).toContain(sentence(i));
  });

  test("no overlap when overlapTokens is 0: chunks partition the text", () => {
    const text = Array.from({ length: 20 }, (_, i) => sentence(i)).join(" ");
    const chunks = chunkDocument({ sections: [para(text)] }, ref, { maxTokens: 40, overlapTokens: 0 });
    expect(chunks.map((c) => c.text).join(" ")).toBe(text);
  });

  test("FAQ pairs are never merged; a long answer repeats its question on every piece", () => {
    const answer = Array.from({ length: 30 }, (_, i) => sentence(i)).join(" ");
    const doc: ParsedDocument = {
      sections: [
        { kind: "faq", text: "Short question?\nShort answer.", headingPath: [] },
        { kind: "faq", text: "Other question?\nOther answer.", headingPath: [] },
        { kind: "faq", text: `How long is this?\n${answer}`, headingPath: [] },
      ],
    };
    const chunks = chunkDocument(doc, ref, { maxTokens: 60, overlapTokens: 10 });
    expect(chunks[0].text).toBe("Short question?\nShort answer.");
    expect(chunks[1].text).toBe("Other question?\nOther answer.");
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks.slice(2)) {
      expect(c.text.startsWith("How long is this?\n")).toBe(true);
      expect(c.kind).toBe("faq");
      expect(estimateTokens(c.text)).toBeLessThanOrEqual(60);
    }
  });

  test("consecutive list items are joined by single newlines; pages never mix", () => {
    const doc: ParsedDocument = {
      sections: [
        { kind: "list_item", text: "First item.", headingPath: ["Steps"] },
        { kind: "list_item", text: "Second item.", headingPath: ["Steps"] },
        para("Page one text.", [], 1),
        para("Page two text.", [], 2),
      ],
    };
    const chunks = chunkDocument(doc, ref);
    expect(chunks.map((c) => [c.text, c.page])).toEqual([
      ["First item.\nSecond item.", undefined],
      ["Page one text.", 1],
      ["Page two text.", 2],
    ]);
  });

  test("deterministic, with the hash of the indexed text; source name is the fallback title", () => {
    const doc: ParsedDocument = { sections: [para("Same text.", ["Heading"])] };
    const [a] = chunkDocument(doc, { source: "docs/faq/returns.md", url: "https://x.test/returns" });
    const [b] = chunkDocument(doc, { source: "docs/faq/returns.md", url: "https://x.test/returns" });
    expect(a).toEqual(b);
    expect(a.title).toBe("returns.md");
    expect(a.url).toBe("https://x.test/returns");
    expect(indexText(a)).toBe("returns.md › Heading\nSame text.");
    expect(a.hash).toBe(sha256Hex("returns.md › Heading\nSame text."));
  });

  test("randomised documents: no chunk ever exceeds the budget, and no word is lost", () => {
    let seed = 11;
    const rand = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const word = () =>
      rand(20) === 0 ? "x".repeat(5 + rand(300)) : ["kettle", "Refund", "a", "2,000", "退货", "ship."][rand(6)];
    for (const options of [
      { maxTokens: 16, overlapTokens: 0 },
      { maxTokens: 40, overlapTokens: 10 },
      { maxTokens: 120, overlapTokens: 30 },
    ]) {
      for (let round = 0; round < 30; round++) {
        const sections: Section[] = Array.from({ length: 1 + rand(6) }, () => ({
          kind: (["paragraph", "list_item", "faq", "record"] as const)[rand(4)],
          text: Array.from({ length: 1 + rand(150) }, word)
            .join(" ")
            .replace(/^/, "Q? ")
            .replace("Q? ", "Question here?\n"),
          headingPath: rand(2) === 0 ? [] : ["H"],
        }));
        const chunks = chunkDocument({ sections }, ref, options);
        for (const c of chunks) expect(c.tokens).toBeLessThanOrEqual(options.maxTokens);
        const all = chunks.map((c) => c.text).join(" ");
        for (const s of sections)
          for (const w of s.text.split(/\s+/)) if (w.length > 12) expect(all).toContain(w.slice(0, 12));
      }
    }
  });

  test("rejects a budget that cannot work", () => {
    expect(() => chunkDocument({ sections: [] }, ref, { maxTokens: 100, overlapTokens: 60 })).toThrow("overlapTokens");
  });
});
