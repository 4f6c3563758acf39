import { XinError } from "../../../runtime";
import type { ParsedDocument, Section } from "../types";
import { faqColumns, recordSection } from "./records";

/**
 * JSON and JSON Lines records. A top-level array is a list of records; an object whose only
 * array-of-objects property is e.g. `faqs` or `items` is that list; any other object is one
 * record. Nested objects flatten to dotted field names, arrays of scalars join with ", ".
 * JSON Lines: one record per non-empty line; a bad line fails the file with its line number.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const flatten = (value: unknown, prefix: string, out: [string, string][]): void => {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (value.every((v) => !isObject(v) && !Array.isArray(v))) out.push([prefix, value.map(String).join(", ")]);
    else value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
    return;
  }
  if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) flatten(v, prefix === "" ? key : `${prefix}.${key}`, out);
    return;
  }
  out.push([prefix, String(value)]);
};

const toSection = (record: unknown): Section | undefined => {
  const fields: [string, string][] = [];
  flatten(record, "", fields);
  return recordSection(fields, faqColumns(fields.map(([f]) => f)));
};

const recordsOf = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (isObject(value)) {
    const lists = Object.values(value).filter((v) => Array.isArray(v) && v.length > 0 && v.every(isObject));
    if (lists.length === 1) return lists[0] as unknown[];
  }
  return [value];
};

const sectionsOf = (records: unknown[]): ParsedDocument => ({
  sections: records.map(toSection).filter((s): s is Section => s !== undefined),
});

export const parseJson = (text: string): ParsedDocument => sectionsOf(recordsOf(JSON.parse(text) as unknown));

export const parseJsonLines = (text: string): ParsedDocument => {
  const records: unknown[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      records.push(JSON.parse(line));
    } catch {
      throw new XinError("rag.parse_failed", `line ${i + 1} is not valid JSON`);
    }
  });
  return sectionsOf(records);
};
