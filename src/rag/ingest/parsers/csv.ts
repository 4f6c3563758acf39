import { parse } from "csv-parse/sync";
import type { ParsedDocument, Section } from "../types";
import { faqColumns, recordSection } from "./records";

/**
 * CSV/TSV through csv-parse (RFC 4180 quoting, embedded newlines, BOM). The first row is the
 * header. With question/answer columns (`question`/`answer`, `q`/`a`, ...) each row is one FAQ
 * pair, grouped under a `category`/`topic` column when present; otherwise each row is a record.
 */
export const parseDelimited = (text: string, delimiter: "," | "\t"): ParsedDocument => {
  const rows: unknown = parse(text, {
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // TSV exports rarely quote; a stray quote in a cell must not swallow the rest of the file.
    quote: delimiter === "\t" ? false : '"',
  });
  if (!Array.isArray(rows) || rows.length === 0) return { sections: [] };
  const [header, ...body] = rows as string[][];
  const columns = faqColumns(header);
  const sections: Section[] = [];
  for (const row of body) {
    const section = recordSection(
      header.map((field, i) => [field, row[i] ?? ""]),
      columns,
      true,
    );
    if (section) sections.push(section);
  }
  return { sections };
};
