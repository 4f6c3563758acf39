import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMarkdown, stripInline } from "./markdown";

const fixture = readFileSync(join(import.meta.dir, "../../../../test/fixtures/knowledge/shipping.md"), "utf8");

describe("parseMarkdown", () => {
  test("front matter title, heading paths, list items and paragraphs", () => {
    const doc = parseMarkdown(fixture);
    expect(doc.title).toBe("Shipping Guide");
    expect(doc.sections.map((s) => [s.kind, s.headingPath.join(" > ")])).toEqual([
      ["paragraph", "Shipping"],
      ["list_item", "Shipping > Costs"],
      ["list_item", "Shipping > Costs"],
      ["list_item", "Shipping > Costs"],
      ["paragraph", "Shipping > Tracking"],
    ]);
    expect(doc.sections[3].text).toBe("Orders over $50 ship free with standard delivery.");
    expect(doc.sections[4].text).toBe(
      "Every parcel gets a tracking number by email. Use the tracking page to follow it.",
    );
  });

  test("a heading pops deeper headings; setext headings count; first H1 is the title", () => {
    const doc = parseMarkdown("# A\n## B\n### C\ntext c\n## D\ntext d\n\nE\n=\ntext e\n");
    expect(doc.title).toBe("A");
    expect(doc.sections.map((s) => s.headingPath)).toEqual([["A", "B", "C"], ["A", "D"], ["E"]]);
  });

  test("fenced code keeps its lines; tables become rows; list continuation joins the item", () => {
    const doc = parseMarkdown(
      "```sh\nxin serve\nxin ingest ./docs\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n  more\n- two\n",
    );
    expect(doc.sections).toEqual([
      { kind: "code", text: "xin serve\nxin ingest ./docs", headingPath: [] },
      { kind: "table", text: "a | b ; 1 | 2", headingPath: [] },
      { kind: "list_item", text: "one more", headingPath: [] },
      { kind: "list_item", text: "two", headingPath: [] },
    ]);
  });

  test("inline markup is reduced to text", () => {
    expect(stripInline("**Bold** and _it_ with `code`, ![logo](x.png) [link](http://a) <b>tag</b>")).toBe(
      "Bold and it with code, logo link tag",
    );
    expect(stripInline("snake_case_name stays")).toBe("snake_case_name stays");
  });
});
