import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJson, parseJsonLines } from "./json";

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../../test/fixtures/knowledge", name), "utf8");

describe("JSON records", () => {
  test("an object holding one list of records: each record flattened to field lines", () => {
    expect(parseJson(fixture("products.json")).sections[0]).toEqual({
      kind: "record",
      text: "sku: K-100\nname: Classic kettle\ncapacity_litres: 1.7\ncolors: white, black\nspecs.power_w: 2200",
      headingPath: [],
    });
  });

  test("a top-level array of FAQ objects; a lone object is one record", () => {
    expect(parseJson('[{"question":"Q1?","answer":"A1."},{"question":"Q2?","answer":"A2."}]').sections.map((s) => s.kind)).toEqual(["faq", "faq"]);
    expect(parseJson('{"name":"Acme","founded":1999}').sections).toEqual([{ kind: "record", text: "name: Acme\nfounded: 1999", headingPath: [] }]);
  });

  test("invalid JSON throws (reported by parseSource)", () => {
    expect(() => parseJson("{nope")).toThrow();
  });
});

describe("JSON Lines", () => {
  test("one record per line, q/a pairs are FAQ", () => {
    const doc = parseJsonLines(fixture("support.jsonl"));
    expect(doc.sections.map((s) => [s.kind, s.text.split("\n")[0]])).toEqual([
      ["faq", "My kettle does not switch off"],
      ["faq", "The water tastes of plastic"],
    ]);
  });

  test("a bad line names its line number", () => {
    expect(() => parseJsonLines('{"a":1}\n\n{broken\n')).toThrow("line 3 is not valid JSON");
  });
});
