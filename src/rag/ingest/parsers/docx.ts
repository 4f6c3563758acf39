import mammoth from "mammoth";
import type { ParsedDocument } from "../types";
import { parseHtml } from "./html";

/**
 * DOCX through mammoth, which maps Word's paragraph styles to semantic HTML (Heading 1 → h1,
 * lists → li, tables → tr/td); the HTML walker then yields the same sections as a web page.
 * Images, comments and tracked-change markup are ignored.
 */
export const parseDocx = async (bytes: Uint8Array): Promise<ParsedDocument> => {
  const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
  return parseHtml(result.value);
};
