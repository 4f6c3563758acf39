import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pageSections, parsePdf } from "./pdf";

const bytes = new Uint8Array(readFileSync(join(import.meta.dir, "../../../../test/fixtures/knowledge/warranty.pdf")));

describe("parsePdf", () => {
  test("extracts the text layer per page, with title, headings and page numbers", async () => {
    const doc = await parsePdf(bytes);
    expect(doc.title).toBe("Acme Warranty");
    expect(doc.sections).toEqual([
      {
        kind: "paragraph",
        text: "Every Acme kettle carries a two year warranty from the date of purchase. Keep your receipt as proof of purchase.",
        headingPath: ["Warranty Terms"],
        page: 1,
      },
      {
        kind: "paragraph",
        text: "To claim, email support with your order number and a photo of the fault. Repairs are free within the warranty period.",
        headingPath: ["Claims"],
        page: 2,
      },
    ]);
  });

  test("does not detach the caller's buffer", async () => {
    const copy = bytes.slice();
    await parsePdf(copy);
    expect(copy.byteLength).toBe(bytes.byteLength);
  });

  test("rejects a corrupt file", async () => {
    await expect(parsePdf(new TextEncoder().encode("%PDF-1.4\nnot a pdf"))).rejects.toThrow();
  });
});

describe("pageSections", () => {
  test("joins hyphenated line breaks and splits paragraphs on blank lines", () => {
    const sections = pageSections("The kettle is dish-\nwasher safe.\n\nSecond paragraph here.", 3, []);
    expect(sections.map((s) => [s.text, s.page])).toEqual([
      ["The kettle is dishwasher safe.", 3],
      ["Second paragraph here.", 3],
    ]);
  });

  test("a heading carries over to the next page until a new one appears", () => {
    const path: string[] = [];
    pageSections("Safety\nNever boil it dry.", 1, path);
    expect(pageSections("Keep away from children.", 2, path)[0].headingPath).toEqual(["Safety"]);
  });
});
