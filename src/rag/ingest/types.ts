/**
 * What every parser produces: a document as an ordered list of sections, each a block of plain
 * text (paragraph, list item, FAQ pair, record, code, table) with the heading path above it.
 * Headings are not sections of their own: they live in `headingPath` so the chunker can start a
 * new chunk at a heading and every chunk can say where in the document it came from.
 */
export type SectionKind = "paragraph" | "list_item" | "faq" | "record" | "code" | "table";

export type Section = {
  kind: SectionKind;
  /** Plain text, whitespace-normalised, never empty. */
  text: string;
  /** Enclosing headings, outermost first (`["Returns", "Damaged items"]`); [] at top level. */
  headingPath: string[];
  /** 1-based page number, for paged formats (PDF). */
  page?: number;
};

export type ParsedDocument = {
  /** The document's own title (HTML <title>, PDF info, first H1), if it has one. */
  title?: string;
  sections: Section[];
};

export type SourceFormat = "markdown" | "text" | "html" | "pdf" | "docx" | "csv" | "tsv" | "json" | "jsonl";

/**
 * Outcome of parsing one file. Failure is a value, not an exception: a batch ingest reports the
 * reason for that file and goes on with the next one.
 */
export type ParseOutcome =
  | { ok: true; format: SourceFormat; document: ParsedDocument }
  | { ok: false; format: SourceFormat | "unknown"; reason: string };

/** Collapses runs of whitespace (incl. NBSP) to one space and trims. */
export const cleanText = (text: string): string => text.replace(/[\s\u00a0]+/g, " ").trim();
