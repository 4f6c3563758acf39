import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDelimited } from "./csv";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dir, "../../../../test/fixtures/knowledge", name), "utf8");

describe("parseDelimited", () => {
  test("CSV with question/answer columns: one FAQ pair per row, grouped by category", () => {
    const doc = parseDelimited(fixture("faq.csv"), ",");
    expect(doc.sections).toEqual([
      {
        kind: "faq",
        text: "How do I cancel an order?\nWrite to us within 24 hours of ordering and we cancel it, free of charge.",
        headingPath: ["Orders"],
      },
      {
        kind: "faq",
        text: "Which payment methods do you accept?\nVisa, Mastercard, PayPal and bank transfer.",
        headingPath: ["Payments"],
      },
      {
        kind: "faq",
        text: "Is my payment data stored?\nNo. Card details go straight to our payment provider and never touch our servers.",
        headingPath: ["Payments"],
      },
    ]);
  });

  test("TSV FAQ; a stray quote does not swallow the next rows", () => {
    const doc = parseDelimited(fixture("faq.tsv"), "\t");
    expect(doc.sections.map((s) => s.text.split("\n")[0])).toEqual([
      "Do you ship to Switzerland?",
      "Can I change my delivery address?",
    ]);
    const quoted = parseDelimited('question\tanswer\nIs it 5" wide?\tYes\nNext?\tNo\n', "\t");
    expect(quoted.sections).toHaveLength(2);
  });

  test("quoted fields with commas and newlines; BOM; rows without question/answer become records", () => {
    const doc = parseDelimited('\ufeffsku,description\nK-1,"Kettle, 1.7 l\nwith filter"\nK-2,\n', ",");
    expect(doc.sections).toEqual([
      { kind: "record", text: "Sku: K-1\nKettle, 1.7 l with filter", headingPath: [] },
      { kind: "record", text: "Sku: K-2", headingPath: [] },
    ]);
  });

  test("a row is rendered as lines led by its label column; generic column names and bare ids are left out", () => {
    const doc = parseDelimited(
      'field_id,field_label,notes,max_weight\nvisa_m_1,Business visa (M) – single entry,"Cost: 12,000 RUB.",\n,Cargo,Minimum 10 kg.,5 t\n',
      ",",
    );
    expect(doc.sections.map((s) => s.text)).toEqual([
      "Business visa (M) – single entry: Cost: 12,000 RUB.",
      "Cargo: Minimum 10 kg.\nCargo, Max weight: 5 t",
    ]);
  });

  test("without a name/label column the first column is the row header, unless it holds ids or numbers", () => {
    const doc = parseDelimited(
      'container_type,inside_height,max_payload\n40ft high cube (40\' HC),2.69 m,"26,500 kg"\n',
      ",",
    );
    expect(doc.sections[0]?.text).toBe(
      "40ft high cube (40' HC), Inside height: 2.69 m\n40ft high cube (40' HC), Max payload: 26,500 kg",
    );
    expect(parseDelimited("code,price\nA-17,5 €\n", ",").sections[0]?.text).toBe("Code: A-17\nPrice: 5 €");
  });

  test("a FAQ row with an empty answer falls back to a record rather than a broken pair", () => {
    const doc = parseDelimited("q,a\nOnly a question?,\n", ",");
    expect(doc.sections).toEqual([{ kind: "record", text: "Only a question?", headingPath: [] }]);
  });
});
