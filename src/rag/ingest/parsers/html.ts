import { DomUtils, parseDocument } from "htmlparser2";
import { cleanText, type ParsedDocument, type Section, type SectionKind } from "../types";

/**
 * HTML → sections, with page chrome removed. Parsing is htmlparser2's (forgiving, entity
 * decoding); the walk is ours:
 * - dropped whole: scripts, styles, templates, embedded media, forms, and the page furniture
 *   `<nav>`, `<aside>`, site-level `<header>`/`<footer>` (not those inside an article, which hold
 *   its title and byline), ARIA landmarks navigation/banner/contentinfo/search, hidden elements,
 *   and cookie banners, breadcrumbs, skip links by class or id;
 * - when the page has a `<main>` (or else an `<article>`), only that part is read;
 * - headings build the heading path; `li` → list_item, `pre` → code, `tr` → table row (cells
 *   joined by ` | `); `<details>`/`<summary>` accordions and `<dt>`/`<dd>` pairs → faq; other
 *   block elements end a paragraph.
 */
type Document = ReturnType<typeof parseDocument>;
type Node = Document["children"][number];
type Tag = Extract<Node, { attribs: Record<string, string> }>;

const DROP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "canvas",
  "iframe",
  "object",
  "embed",
  "video",
  "audio",
  "form",
  "button",
  "select",
  "textarea",
  "input",
  "nav",
  "aside",
  "dialog",
  "head",
]);
const PAGE_CHROME = new Set(["header", "footer"]);
const DROP_ROLES = new Set(["navigation", "banner", "contentinfo", "search", "complementary", "dialog"]);
const CHROME_NAME =
  /(^|[\s_-])(cookie|consent|gdpr|breadcrumbs?|skip-link|skip-to-content|navbar|site-nav|newsletter|share-buttons?)([\s_-]|$)/i;
const BLOCK = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "body",
  "ul",
  "ol",
  "dl",
  "dt",
  "dd",
  "blockquote",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "figure",
  "figcaption",
  "details",
  "summary",
  "address",
  "hr",
  "center",
  "fieldset",
]);
const HEADING = /^h([1-6])$/;

const isDropped = (el: Tag, inContent: boolean): boolean => {
  const a = el.attribs;
  return (
    DROP.has(el.name) ||
    (PAGE_CHROME.has(el.name) && !inContent) ||
    DROP_ROLES.has((a.role ?? "").toLowerCase()) ||
    a.hidden !== undefined ||
    a["aria-hidden"] === "true" ||
    /display\s*:\s*none/i.test(a.style ?? "") ||
    CHROME_NAME.test(`${a.class ?? ""} ${a.id ?? ""}`)
  );
};

const textOf = (node: Node): string => cleanText(DomUtils.textContent(node));

// FAQ accordions: <details><summary>question</summary>answer</details>.
const detailsPair = (el: Tag): [string, string][] => {
  const summary = el.children.find((c): c is Tag => "attribs" in c && c.name === "summary");
  if (!summary) return [];
  const question = textOf(summary);
  const answer = cleanText(
    el.children
      .filter((c) => c !== summary)
      .map((c) => DomUtils.textContent(c))
      .join(" "),
  );
  return question !== "" && answer !== "" ? [[question, answer]] : [];
};

// Definition lists as FAQ: each <dt> with the <dd>s that follow it.
const definitionPairs = (el: Tag): [string, string][] => {
  const pairs: [string, string][] = [];
  let question = "";
  let answers: string[] = [];
  const close = () => {
    if (question !== "" && answers.length > 0) pairs.push([question, cleanText(answers.join(" "))]);
    answers = [];
  };
  for (const child of el.children) {
    if (!("attribs" in child)) continue;
    if (child.name === "dt") {
      close();
      question = textOf(child);
    } else if (child.name === "dd") answers.push(DomUtils.textContent(child));
  }
  close();
  return pairs;
};

export const parseHtml = (html: string): ParsedDocument => {
  const doc = parseDocument(html, { decodeEntities: true });
  const titleEl = DomUtils.findOne((el) => el.name === "title", doc.children);
  let title = titleEl ? textOf(titleEl) || undefined : undefined;
  const main =
    DomUtils.findOne((el) => el.name === "main" || el.attribs.role === "main", doc.children) ??
    DomUtils.findOne((el) => el.name === "article", doc.children);

  const sections: Section[] = [];
  const headings: { level: number; text: string }[] = [];
  const kinds: SectionKind[] = ["paragraph"];
  let buffer: string[] = [];

  const push = (kind: SectionKind, raw: string) => {
    // Code keeps its layout; a FAQ pair keeps the line break between question and answer.
    const text =
      kind === "code" ? raw.trim() : kind === "faq" ? raw.split("\n").map(cleanText).join("\n") : cleanText(raw);
    if (text !== "") sections.push({ kind, text, headingPath: headings.map((h) => h.text) });
  };
  const flush = () => {
    push(kinds[kinds.length - 1], buffer.join(""));
    buffer = [];
  };

  const walk = (node: Node, inContent: boolean): void => {
    if (node.type === "text" && "data" in node) {
      buffer.push(node.data);
      return;
    }
    if (!("attribs" in node)) {
      // Comments and CDATA carry no page text; the document node is walked through.
      if (node.type !== "comment" && "children" in node) for (const child of node.children) walk(child, inContent);
      return;
    }
    if (isDropped(node, inContent)) return;
    if (node.name === "br") {
      buffer.push(" ");
      return;
    }
    const heading = node.name.match(HEADING);
    if (heading) {
      flush();
      const level = Number(heading[1]);
      const text = textOf(node);
      if (text === "") return;
      while (headings.length > 0 && headings[headings.length - 1].level >= level) headings.pop();
      headings.push({ level, text });
      if (level === 1 && title === undefined) title = text;
      return;
    }
    if (node.name === "pre") {
      flush();
      push("code", DomUtils.textContent(node));
      return;
    }
    if (node.name === "tr") {
      flush();
      const cells = node.children.filter((c): c is Tag => "attribs" in c && (c.name === "td" || c.name === "th"));
      push(
        "table",
        cells
          .map(textOf)
          .filter((t) => t !== "")
          .join(" | "),
      );
      return;
    }
    if (node.name === "details" || node.name === "dl") {
      flush();
      const pairs = node.name === "details" ? detailsPair(node) : definitionPairs(node);
      if (pairs.length > 0) {
        for (const [question, answer] of pairs) push("faq", `${question}\n${answer}`);
        return;
      }
    }
    const content = inContent || node.name === "article" || node.name === "main";
    if (node.name === "li") {
      flush();
      kinds.push("list_item");
      for (const child of node.children) walk(child, content);
      flush();
      kinds.pop();
      return;
    }
    const isBlock = BLOCK.has(node.name);
    if (isBlock) flush();
    for (const child of node.children) walk(child, content);
    if (isBlock) flush();
  };

  for (const child of main ? [main] : doc.children) walk(child, false);
  flush();
  return { title, sections };
};
