import { errorText } from "../../runtime";
import { parseDelimited } from "./parsers/csv";
import { parseDocx } from "./parsers/docx";
import { parseHtml } from "./parsers/html";
import { parseJson, parseJsonLines } from "./parsers/json";
import { parseMarkdown } from "./parsers/markdown";
import { parsePdf } from "./parsers/pdf";
import { parseText } from "./parsers/text";
import type { ParsedDocument, ParseOutcome, SourceFormat } from "./types";

const BY_EXTENSION: Record<string, SourceFormat> = {
  md: "markdown",
  markdown: "markdown",
  mdx: "markdown",
  txt: "text",
  text: "text",
  html: "html",
  htm: "html",
  xhtml: "html",
  pdf: "pdf",
  docx: "docx",
  csv: "csv",
  tsv: "tsv",
  tab: "tsv",
  json: "json",
  jsonl: "jsonl",
  ndjson: "jsonl",
};

/** The format a path's extension names, or undefined (the caller reports it as unsupported). */
export const detectFormat = (path: string): SourceFormat | undefined => {
  const match = path.toLowerCase().match(/\.([a-z0-9]+)$/);
  return match ? BY_EXTENSION[match[1]] : undefined;
};

const BY_MEDIA_TYPE: Record<string, SourceFormat> = {
  "text/html": "html",
  "application/xhtml+xml": "html",
  "application/pdf": "pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/plain": "text",
  "text/csv": "csv",
  "text/tab-separated-values": "tsv",
  "application/json": "json",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
};

/**
 * The format an HTTP Content-Type names (parameters such as charset ignored), for crawled URLs
 * whose paths carry no extension; undefined for anything else (images, archives...).
 */
export const formatFromContentType = (contentType: string): SourceFormat | undefined =>
  BY_MEDIA_TYPE[contentType.split(";")[0].trim().toLowerCase()];

const decodeUtf8 = (bytes: Uint8Array): string => {
  // fatal: a Latin-1 or UTF-16 file is reported, not indexed as mojibake.
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error("not valid UTF-8 text (convert the file to UTF-8)");
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
};

const startsWith = (bytes: Uint8Array, magic: string) => [...magic].every((c, i) => bytes[i] === c.charCodeAt(0));

const parseAs = async (format: SourceFormat, bytes: Uint8Array): Promise<ParsedDocument> => {
  switch (format) {
    case "pdf":
      if (!startsWith(bytes, "%PDF-")) throw new Error("not a PDF file (no %PDF- header)");
      return parsePdf(bytes);
    case "docx":
      if (!startsWith(bytes, "PK\x03\x04")) throw new Error("not a DOCX file (not a zip archive)");
      return parseDocx(bytes);
    case "markdown":
      return parseMarkdown(decodeUtf8(bytes));
    case "text":
      return parseText(decodeUtf8(bytes));
    case "html":
      return parseHtml(decodeUtf8(bytes));
    case "csv":
      return parseDelimited(decodeUtf8(bytes), ",");
    case "tsv":
      return parseDelimited(decodeUtf8(bytes), "\t");
    case "json":
      return parseJson(decodeUtf8(bytes));
    case "jsonl":
      return parseJsonLines(decodeUtf8(bytes));
  }
};

/**
 * Parses one source file. Never throws: an unsupported extension, a corrupt file, invalid UTF-8
 * or a document without any text (a scanned PDF) is `{ ok: false, reason }`, with a reason a user
 * can act on, so a batch ingest reports that file and continues with the next.
 */
export const parseSource = async (input: {
  path: string;
  bytes: Uint8Array;
  format?: SourceFormat;
}): Promise<ParseOutcome> => {
  const format = input.format ?? detectFormat(input.path);
  if (format === undefined) {
    return {
      ok: false,
      format: "unknown",
      reason: `unsupported file type (supported: ${Object.keys(BY_EXTENSION).join(", ")})`,
    };
  }
  let document: ParsedDocument;
  try {
    document = await parseAs(format, input.bytes);
  } catch (e) {
    return { ok: false, format, reason: `cannot parse ${format}: ${errorText(e)}` };
  }
  if (document.sections.length === 0) {
    const hint = format === "pdf" ? " (no text layer: a scanned PDF needs OCR first)" : "";
    return { ok: false, format, reason: `no text found${hint}` };
  }
  return { ok: true, format, document };
};
