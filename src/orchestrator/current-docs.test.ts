import { describe, expect, test } from "bun:test";
import { preferCurrent, versionOf } from "./current-docs";
import type { Passage } from "./types";

const p = (source: string, title = source): Passage => ({
  n: 0,
  chunk_id: `${source}#0`,
  source,
  title,
  heading: "",
  text: "Prices…",
  score: 1,
});

describe("superseded documents", () => {
  test("versions: year, year-month, full dates (ISO and day.month.year) in a name", () => {
    expect(versionOf("prices-2026.pdf")).toEqual({ family: "prices", date: 20260000 });
    expect(versionOf("docs/Price list 2025-03.md")).toEqual({ family: "price list", date: 20250300 });
    expect(versionOf("menu_15.03.2026.txt")).toEqual({ family: "menu", date: 20260315 });
    expect(versionOf("faq.md")).toBeNull();
    expect(versionOf("2026.txt")).toBeNull();
  });

  test("the newer version of the same document wins, wherever it ranked; other documents stay", () => {
    const out = preferCurrent([p("prices-2025.md"), p("shipping.md"), p("prices-2026.md"), p("prices-2025.md")]);
    expect(out.map((x) => x.source)).toEqual(["shipping.md", "prices-2026.md"]);
    expect(out.map((x) => x.n)).toEqual([1, 2]);
  });

  test("the title counts when the file name has no date; an old version alone is kept", () => {
    expect(
      preferCurrent([p("a.pdf", "Opening hours 2024"), p("b.pdf", "Opening hours 2025")]).map((x) => x.source),
    ).toEqual(["b.pdf"]);
    expect(preferCurrent([p("prices-2025.md"), p("shipping-2026.md")]).map((x) => x.source)).toEqual([
      "prices-2025.md",
      "shipping-2026.md",
    ]);
  });
});
