import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJson, parseJsonLines } from "./json";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dir, "../../../../test/fixtures/knowledge", name), "utf8");

describe("JSON records", () => {
  test("an object holding one list of records: each record flattened to field lines", () => {
    expect(parseJson(fixture("products.json")).sections[0]).toEqual({
      kind: "record",
      text: "Classic kettle, Sku: K-100\nClassic kettle, Capacity litres: 1.7\nClassic kettle, Colors: white, black\nClassic kettle, Specs, power w: 2200",
      headingPath: [],
    });
  });

  test("a top-level array of FAQ objects; a lone object is one record", () => {
    expect(
      parseJson('[{"question":"Q1?","answer":"A1."},{"question":"Q2?","answer":"A2."}]').sections.map((s) => s.kind),
    ).toEqual(["faq", "faq"]);
    expect(parseJson('{"name":"Acme","founded":1999}').sections).toEqual([
      { kind: "record", text: "Acme, Founded: 1999", headingPath: [] },
    ]);
  });

  test("nested lists read as sentences: an element is named by its naming field, generic leaf names are dropped", () => {
    const profile = {
      name: "Cafe Blau",
      opening_hours: [
        { day: "Monday", open: "09:00" },
        { day: "Saturday", note: "10:00–16:00" },
      ],
      contact: { phoneNumber: "+49 30 1234" },
    };
    expect(parseJson(JSON.stringify(profile)).sections).toEqual([
      {
        kind: "record",
        text: "Cafe Blau, Opening hours, Monday, open: 09:00\nCafe Blau, Opening hours, Saturday: 10:00–16:00\nCafe Blau, Contact, phone number: +49 30 1234",
        headingPath: [],
      },
    ]);
    expect(parseJson(JSON.stringify(profile)).sections[0]?.text).not.toContain("opening_hours[");
  });

  test("a list element without a naming field is named by its first text field, not its position", () => {
    const prices = {
      currency: "EUR",
      bikes: [
        { bike: "Tandem", one_day: "€29" },
        { bike: "City bike", one_day: "€14" },
      ],
    };
    expect(parseJson(JSON.stringify(prices)).sections[0]?.text).toBe(
      "Currency: EUR\nBikes, Tandem, one day: €29\nBikes, City bike, one day: €14",
    );
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
