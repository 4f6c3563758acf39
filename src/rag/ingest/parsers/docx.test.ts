import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocx } from "./docx";

test("DOCX heading styles become the heading path, paragraphs become sections", async () => {
  const bytes = new Uint8Array(readFileSync(join(import.meta.dir, "../../../../test/fixtures/knowledge/returns.docx")));
  const doc = await parseDocx(bytes);
  expect(doc.title).toBe("Returns Policy");
  expect(doc.sections).toEqual([
    {
      kind: "paragraph",
      text: "You may return any unused item within 30 days for a full refund.",
      headingPath: ["Returns Policy"],
    },
    {
      kind: "paragraph",
      text: "Send us a photo of the damage and we ship a replacement at no cost.",
      headingPath: ["Returns Policy", "Damaged items"],
    },
  ]);
});

test("a zip that is not a DOCX is rejected", async () => {
  await expect(parseDocx(new TextEncoder().encode("PK\u0003\u0004 not really"))).rejects.toThrow();
});
