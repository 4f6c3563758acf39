import { cleanText, type ParsedDocument, type Section, type SectionKind } from "../types";

/**
 * Markdown (CommonMark block structure, the parts that matter for retrieval): ATX and setext
 * headings, paragraphs, list items (with indented continuation lines), fenced code, pipe tables,
 * block quotes, YAML front matter (its `title:` becomes the title). Inline markup is reduced to
 * its text: `[label](url)` → label, emphasis and code ticks dropped, raw HTML tags removed.
 */
const ATX = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const SETEXT = /^\s{0,3}(=+|-+)\s*$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const THEMATIC_BREAK = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const LINK_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s+\S+/;

/** Markdown inline syntax → plain text. */
export const stripInline = (text: string): string =>
  cleanText(
    text
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
      .replace(/<(https?:\/\/[^>\s]+)>/g, "$1")
      .replace(/<\/?[A-Za-z][^>]*>/g, " ")
      .replace(/(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1/g, "$2")
      .replace(/(^|[^\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?=[^\w*]|$)/g, "$1$2")
      .replace(/`+([^`]*)`+/g, "$1"),
  );

type Open = { kind: SectionKind; lines: string[] };

export const parseMarkdown = (source: string): ParsedDocument => {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const sections: Section[] = [];
  const headings: { level: number; text: string }[] = [];
  let title: string | undefined;
  let open: Open | undefined;
  let fence: string | undefined;
  let start = 0;

  if (lines[0]?.trim() === "---") {
    const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
    if (end > 0) {
      const match = lines
        .slice(1, end)
        .join("\n")
        .match(/^title:\s*["']?(.+?)["']?\s*$/m);
      if (match) title = match[1];
      start = end + 1;
    }
  }

  const flush = () => {
    if (!open) return;
    const text =
      open.kind === "code"
        ? open.lines.join("\n").trim()
        : stripInline(open.lines.join(open.kind === "table" ? " ; " : " "));
    if (text !== "") sections.push({ kind: open.kind, text, headingPath: headings.map((h) => h.text) });
    open = undefined;
  };
  const setHeading = (level: number, raw: string) => {
    flush();
    const text = stripInline(raw);
    if (text === "") return;
    while (headings.length > 0 && headings[headings.length - 1].level >= level) headings.pop();
    headings.push({ level, text });
    if (level === 1 && title === undefined) title = text;
  };

  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    if (fence !== undefined) {
      if (line.trim().startsWith(fence)) {
        fence = undefined;
        flush();
      } else open?.lines.push(line);
      continue;
    }
    const fenceOpen = line.match(FENCE);
    if (fenceOpen) {
      flush();
      fence = fenceOpen[1];
      open = { kind: "code", lines: [] };
      continue;
    }
    const atx = line.match(ATX);
    if (atx) {
      setHeading(atx[1].length, atx[2]);
      continue;
    }
    if (open?.kind === "paragraph" && open.lines.length > 0 && SETEXT.test(line)) {
      const text = open.lines.join(" ");
      open = undefined;
      setHeading(line.trim().startsWith("=") ? 1 : 2, text);
      continue;
    }
    if (line.trim() === "" || THEMATIC_BREAK.test(line) || LINK_DEFINITION.test(line)) {
      flush();
      continue;
    }
    const item = line.match(LIST_ITEM);
    if (item) {
      flush();
      open = { kind: "list_item", lines: [item[1]] };
      continue;
    }
    const trimmed = line.replace(/^\s{0,3}>\s?/, "");
    if (trimmed.trimStart().startsWith("|")) {
      if (open?.kind !== "table") flush();
      open ??= { kind: "table", lines: [] };
      if (!TABLE_RULE.test(trimmed))
        open.lines.push(
          trimmed
            .trim()
            .replace(/^\||\|$/g, "")
            .split("|")
            .map((c) => c.trim())
            .join(" | "),
        );
      continue;
    }
    if (open?.kind === "table") flush();
    // Paragraph text, or a continuation of the open paragraph / list item.
    open ??= { kind: "paragraph", lines: [] };
    open.lines.push(trimmed);
  }
  flush();
  return { title, sections };
};
