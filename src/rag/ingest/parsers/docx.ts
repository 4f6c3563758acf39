import type { ParsedDocument } from "../types";
import { parseHtml } from "./html";

/**
 * DOCX through mammoth, which maps Word's paragraph styles to semantic HTML (Heading 1 → h1,
 * lists → li, tables → tr/td); the HTML walker then yields the same sections as a web page.
 * Images, comments and tracked-change markup are ignored.
 */
export const parseDocx = async (bytes: Uint8Array): Promise<ParsedDocument> => {
  // Loaded on first use: mammoth and its zip/xml libraries are a third of every command's start-up.
  const { default: mammoth } = await import("mammoth");
  const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
  return parseHtml(result.value);
};
