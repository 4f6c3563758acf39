import { XinError } from "../../../runtime";
import type { ParsedDocument, Section } from "../types";
import { faqColumns, recordSection } from "./records";

/**
 * JSON and JSON Lines records. A top-level array is a list of records; an object whose only
 * array-of-objects property is e.g. `faqs` or `items` is that list; any other object is one
 * record. Nested objects flatten to field paths in words (see flatten), arrays of scalars join with ", ".
 * JSON Lines: one record per non-empty line; a bad line fails the file with its line number.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// The field of an object in a list that names it ("day": "Saturday"), so its path reads "Opening hours, Saturday".
const NAMING = /^(name|title|label|day|weekday|key|type|id|tag|titel|bezeichnung)$/i;
// Without a naming field, an element's first short text field names it ("bike": "Tandem"), as its
// row header would in a table; only then its position.
const namingKeyOf = (v: Record<string, unknown>): string | undefined =>
  Object.keys(v).find((k) => NAMING.test(k) && (typeof v[k] === "string" || typeof v[k] === "number")) ??
  Object.keys(v).find(
    (k, i) => i === 0 && typeof v[k] === "string" && (v[k] as string).length <= 80 && /\p{L}/u.test(v[k] as string),
  );
const nameOfElement = (v: unknown, i: number): string => {
  const key = isObject(v) ? namingKeyOf(v) : undefined;
  return key === undefined || !isObject(v) ? String(i + 1) : String(v[key]);
};

/**
 * Flattens a record to (path, text) pairs. Paths are segments joined by ", " (records.ts words them):
 * a nested key adds its name, an object in a list adds its naming field's value (and that field
 * is not repeated as a line of its own), arrays of scalars join with ", ".
 */
const flatten = (value: unknown, prefix: string, out: [string, string][], skip?: string): void => {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (value.every((v) => !isObject(v) && !Array.isArray(v))) out.push([prefix, value.map(String).join(", ")]);
    else
      value.forEach((v, i) => {
        const name = nameOfElement(v, i);
        const key = isObject(v) ? namingKeyOf(v) : undefined;
        flatten(v, prefix === "" ? name : `${prefix}, ${name}`, out, key);
      });
    return;
  }
  if (isObject(value)) {
    for (const [key, v] of Object.entries(value))
      if (key !== skip) flatten(v, prefix === "" ? key : `${prefix}, ${key}`, out);
    return;
  }
  out.push([prefix, String(value)]);
};

const toSection = (record: unknown): Section | undefined => {
  const fields: [string, string][] = [];
  flatten(record, "", fields);
  return recordSection(fields, faqColumns(fields.map(([f]) => f)));
};

const COLLECTION =
  /^(items|faqs?|records|data|entries|results|rows|questions|products|services|articles|documents|docs|list|eintr(ä|ae)ge|fragen|produkte)$/i;

const recordsOf = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (isObject(value)) {
    // Unwrapped only when the list is the point of the file (its only key, or a key naming a collection):
    // a business profile with a list of opening hours is one record, not its hours without its name.
    const lists = Object.entries(value).filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every(isObject));
    const [only] = lists;
    if (lists.length === 1 && only && (Object.keys(value).length === 1 || COLLECTION.test(only[0])))
      return only[1] as unknown[];
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
