import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { prepareSource, prepareSources } from "./prepare-source";

const dir = join(import.meta.dir, "../../../test/fixtures/knowledge");

test("a batch reports the broken file with its reason and still prepares all the others", async () => {
  const inputs = readdirSync(dir)
    .sort()
    .map((name) => ({ source: name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
  const results = [];
  for await (const r of prepareSources(inputs)) results.push(r);
  expect(results).toHaveLength(inputs.length);
  const failed = results.filter((r) => !r.ok);
  expect(failed.map((r) => [r.source, r.ok ? "" : r.reason])).toEqual([
    ["broken.pdf", "cannot parse pdf: Invalid PDF structure."],
  ]);
  const faq = results.find((r) => r.source === "faq.csv");
  expect(faq?.ok && faq.chunks.map((c) => c.kind)).toEqual(["faq", "faq", "faq"]);
  const pdf = results.find((r) => r.source === "warranty.pdf");
  expect(pdf?.ok && pdf.chunks.map((c) => [c.page, c.title])).toEqual([
    [1, "Acme Warranty"],
    [2, "Acme Warranty"],
  ]);
});

test("same bytes give the same hash and chunks; a changed byte changes the hash", async () => {
  const bytes = new TextEncoder().encode("# T\nbody");
  const a = await prepareSource({ source: "t.md", bytes });
  const b = await prepareSource({ source: "t.md", bytes });
  const c = await prepareSource({ source: "t.md", bytes: new TextEncoder().encode("# T\nbody!") });
  expect(a).toEqual(b);
  expect(c.hash).not.toBe(a.hash);
  expect(a.ok && a.title).toBe("T");
});
