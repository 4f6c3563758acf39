import { cleanText, type ParsedDocument, type Section } from "../types";

/**
 * Plain text. Blocks are separated by blank lines. Inside a block a line break means something
 * only when the block is not hard-wrapped prose:
 * - a line that goes on in lower case after no closing punctuation continues the line before
 *   (hard wraps at 72–80 columns are common in .txt files and carry no meaning);
 * - every other line stands alone (list items, "Opening hours: …", phone numbers), so an answer
 *   can quote one line rather than a run-on paragraph;
 * - a block's first line in CAPITALS, or a block of one short line without closing punctuation
 *   ("Questions and answers"), is a heading: it heads its block (and, alone, the blocks after it);
 * - a block whose first line ends with "?" is an FAQ pair: question, then the answer.
 */
const BULLET = /^(?:[-*•▪◦–]|\d{1,2}[.)])\s+/;
const CLOSED = /[.!?:;…)"'”]$/;
const MAX_HEADING_CHARS = 60;

const isCapsHeading = (line: string): boolean =>
  line.length <= MAX_HEADING_CHARS && /\p{Lu}{2}/u.test(line) && line === line.toUpperCase() && !BULLET.test(line);
const isLoneHeading = (line: string): boolean =>
  line.length <= MAX_HEADING_CHARS && !CLOSED.test(line) && !BULLET.test(line) && !/\d{3}/.test(line);

/** The block's lines with hard wraps undone: a line continues the previous when it starts in lower case after no closing punctuation. */
const logicalLines = (block: string): string[] => {
  const lines: string[] = [];
  for (const raw of block.split("\n")) {
    const line = cleanText(raw);
    if (line === "") continue;
    const previous = lines[lines.length - 1];
    if (previous !== undefined && !BULLET.test(line) && /^\p{Ll}/u.test(line) && !CLOSED.test(previous))
      lines[lines.length - 1] = `${previous} ${line}`;
    else lines.push(line);
  }
  return lines;
};

export const parseText = (text: string): ParsedDocument => {
  const sections: Section[] = [];
  let heading: string[] = [];
  for (const block of text.replace(/\r\n?/g, "\n").split(/\n\s*\n/)) {
    const lines = logicalLines(block);
    if (lines.length === 0) continue;
    if (lines.length === 1 && (isCapsHeading(lines[0]) || isLoneHeading(lines[0])) && !lines[0].endsWith("?")) {
      heading = [lines[0]];
      continue;
    }
    let headingPath = heading;
    let body = lines;
    if (lines.length > 1 && isCapsHeading(lines[0])) [headingPath, body] = [[lines[0]], lines.slice(1)];
    if (body.length > 1 && body[0].endsWith("?")) {
      sections.push({ kind: "faq", text: `${body[0]}\n${body.slice(1).join(" ")}`, headingPath });
      continue;
    }
    const kind = body.length > 1 ? "list_item" : "paragraph";
    for (const line of body) sections.push({ kind, text: line, headingPath });
  }
  return { sections };
};
