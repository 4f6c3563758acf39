import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHtml } from "./html";

const fixture = readFileSync(join(import.meta.dir, "../../../../test/fixtures/knowledge/care.html"), "utf8");
const allText = (html: string) =>
  parseHtml(html)
    .sections.map((s) => s.text)
    .join("\n");

describe("parseHtml", () => {
  test("reads only the main content of a page with chrome", () => {
    const doc = parseHtml(fixture);
    expect(doc.title).toBe("Kettle care | Acme");
    expect(doc.sections).toEqual([
      {
        kind: "paragraph",
        text: "Descale your kettle every month with white vinegar diluted in water.",
        headingPath: ["Caring for your kettle"],
      },
      {
        kind: "list_item",
        text: "Unplug the kettle and let it cool down.",
        headingPath: ["Caring for your kettle", "Cleaning the filter"],
      },
      {
        kind: "list_item",
        text: "Rinse the limescale filter under running water.",
        headingPath: ["Caring for your kettle", "Cleaning the filter"],
      },
      {
        kind: "table",
        text: "Water hardness | Descale every",
        headingPath: ["Caring for your kettle", "Cleaning the filter"],
      },
      { kind: "table", text: "Hard | 2 weeks", headingPath: ["Caring for your kettle", "Cleaning the filter"] },
    ]);
    for (const chrome of [
      "analytics",
      "font-family",
      "Shop all kettles",
      "cookies",
      "Related products",
      "Privacy",
      "Acme home",
    ]) {
      expect(allText(fixture)).not.toContain(chrome);
    }
  });

  test("without <main>, strips nav, header, footer, scripts, styles, hidden and ARIA chrome", () => {
    const text = allText(`<html><body>
      <header>Site name</header><nav>Menu A</nav><div role="navigation">Menu B</div>
      <script>evil()</script><style>p{}</style><noscript>Enable JS</noscript>
      <div hidden>secret</div><div aria-hidden="true">icon</div><div style="display: none">invisible</div>
      <div class="breadcrumbs">Home / Care</div>
      <h2>Returns</h2><div>Return within <em>30</em>&nbsp;days.<br>Keep the box.</div>
      <footer>Copyright</footer></body></html>`);
    expect(text).toBe("Return within 30 days. Keep the box.");
  });

  test("an article's own header is content, not chrome", () => {
    const doc = parseHtml("<body><article><header><h1>Title</h1><p>Byline</p></header><p>Body</p></article></body>");
    expect(doc.title).toBe("Title");
    expect(doc.sections.map((s) => s.text)).toEqual(["Byline", "Body"]);
  });

  test("FAQ accordions and definition lists become question/answer pairs", () => {
    const doc = parseHtml(`<h2>FAQ</h2>
      <details><summary>Can I return sale items?</summary><p>Yes, within <b>14</b> days.</p></details>
      <dl><dt>Do you ship abroad?</dt><dd>To the EU only.</dd><dt>Gift wrap?</dt><dd>Yes,</dd><dd>for $3.</dd></dl>`);
    expect(doc.sections).toEqual([
      { kind: "faq", text: "Can I return sale items?\nYes, within 14 days.", headingPath: ["FAQ"] },
      { kind: "faq", text: "Do you ship abroad?\nTo the EU only.", headingPath: ["FAQ"] },
      { kind: "faq", text: "Gift wrap?\nYes, for $3.", headingPath: ["FAQ"] },
    ]);
  });

  test("pre is kept as code with its line breaks; entities are decoded", () => {
    const doc = parseHtml("<p>Tom &amp; Jerry&#39;s</p><pre>line 1\n  line 2</pre>");
    expect(doc.sections).toEqual([
      { kind: "paragraph", text: "Tom & Jerry's", headingPath: [] },
      { kind: "code", text: "line 1\n  line 2", headingPath: [] },
    ]);
  });
});
