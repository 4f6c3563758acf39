import { cleanText, type ParsedDocument, type Section } from "../types";

/**
 * PDF text layer → sections with page numbers, through unpdf (a packaging of Mozilla's pdf.js
 * that runs without a worker or canvas, so it works inside the compiled binary). No OCR: a
 * scanned PDF has no text layer and comes back with no sections, which the caller reports.
 *
 * PDF has no paragraph or heading markup, only positioned lines, so structure is inferred:
 * blank lines end a paragraph, a hyphen at a line end joins the word, and a short line (≤ 8
 * words) without closing punctuation, followed by a line that starts a new sentence, is taken as a
 * heading.
 */
const HEADING_MAX_WORDS = 8;
const looksLikeHeading = (line: string, next: string | undefined): boolean =>
  next !== undefined &&
  next.trim() !== "" &&
  // A lower-case next line continues a sentence broken across lines: that was no heading.
  !/^\p{Ll}/u.test(next) &&
  /^[\p{Lu}\p{N}]/u.test(line) &&
  !/[.,;:!?-]$/.test(line) &&
  line.split(/\s+/).length <= HEADING_MAX_WORDS;

export const pageSections = (pageText: string, page: number, headingPath: string[]): Section[] => {
  const sections: Section[] = [];
  const lines = pageText.split("\n").map((l) => l.trim());
  let paragraph = "";
  const flush = () => {
    const text = cleanText(paragraph);
    if (text !== "") sections.push({ kind: "paragraph", text, headingPath: [...headingPath], page });
    paragraph = "";
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") {
      flush();
      continue;
    }
    if (paragraph === "" && looksLikeHeading(line, lines[i + 1])) {
      headingPath.splice(0, headingPath.length, cleanText(line));
      continue;
    }
    paragraph =
      paragraph.endsWith("-") && /^\p{Ll}/u.test(line) ? paragraph.slice(0, -1) + line : `${paragraph} ${line}`;
  }
  flush();
  return sections;
};

export const parsePdf = async (bytes: Uint8Array): Promise<ParsedDocument> => {
  // pdf.js transfers (detaches) the buffer it is given: hand it a copy, never the caller's bytes.
  // verbosity 0: pdf.js would otherwise print recovery warnings for damaged files to stdout.
  // Loaded on first use, like mammoth: pdf.js is large and most commands never read a PDF.
  const { extractText, getDocumentProxy, getMeta } = await import("unpdf");
  const pdf = await getDocumentProxy(bytes.slice(), { verbosity: 0 });
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    const meta = await getMeta(pdf);
    const rawTitle: unknown = meta.info.Title;
    const headingPath: string[] = [];
    const sections = text.flatMap((pageText, i) => pageSections(pageText, i + 1, headingPath));
    return { title: typeof rawTitle === "string" && rawTitle.trim() !== "" ? rawTitle.trim() : undefined, sections };
  } finally {
    await pdf.loadingTask.destroy();
  }
};
