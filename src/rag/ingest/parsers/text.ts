import { cleanText, type ParsedDocument, type Section } from "../types";

/**
 * Plain text: paragraphs are separated by blank lines; lines inside a paragraph are joined (hard
 * wraps at 72–80 columns are common in .txt files and carry no meaning).
 */
export const parseText = (text: string): ParsedDocument => {
  const sections: Section[] = [];
  for (const block of text.replace(/\r\n?/g, "\n").split(/\n\s*\n/)) {
    const clean = cleanText(block);
    if (clean !== "") sections.push({ kind: "paragraph", text: clean, headingPath: [] });
  }
  return { sections };
};
