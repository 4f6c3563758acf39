import { cleanText, type Section } from "../types";

/**
 * Shared by the CSV/TSV and JSON parsers: a record (a row, an object) becomes one section.
 * When it has a question field and an answer field it is a FAQ pair, written as the question on
 * one line and the answer below it, so the pair is always retrieved (and chunked) together.
 * Otherwise it is a `record`, rendered as readable lines a customer may be shown as they are:
 * each field on its own line, named in words ("Opening hours, Saturday: 10:00–16:00", not
 * `opening_hours[2].note: …`) and led by the record's label (its name/title column) so that every
 * line still says what it is about when it is quoted alone. Identifier columns (`id`, `*_id`,
 * `slug`) holding a bare token are left out: they are keys for machines, not words for people.
 */
const QUESTION = /^(q|question|questions|faq|query|frage|pregunta|question[ _-]?text)$/i;
const ANSWER = /^(a|answer|answers|antwort|respuesta|response|reply|answer[ _-]?text)$/i;
const GROUP = /^(category|section|topic|group|kategorie|categoria)$/i;
const LABEL =
  /^(name|title|label|field[ _-]?label|heading|subject|item|product|service|day|weekday|bezeichnung|titel|tag)$/i;
const IDENTIFIER = /^(id|uuid|slug|key|.*[ _-]id)$/i;
const BARE_TOKEN = /^[\w.:\-/]+$/;
// Fields whose name adds nothing to their value ("notes: Cost: 12,000 RUB").
const GENERIC =
  /^(notes?|description|details?|text|value|info|information|comments?|content|body|remarks?|beschreibung|hinweis|inhalt)$/i;

/** Which fields of a header hold the question, answer, group (category) and label, if any. */
export type FaqColumns = { question?: string; answer?: string; group?: string; label?: string };

/** The last name segment of a field path ("Opening hours, note" → "note"). */
const leafOf = (field: string): string => field.split(", ").at(-1)?.trim() ?? field.trim();

export const faqColumns = (fields: readonly string[]): FaqColumns => ({
  question: fields.find((f) => QUESTION.test(f.trim())),
  answer: fields.find((f) => ANSWER.test(f.trim())),
  group: fields.find((f) => GROUP.test(f.trim())),
  label: fields.find((f) => LABEL.test(f.trim())),
});

/** A field name in words: `opening_hours` → "Opening hours", `maxWeightKg` → "Max weight kg". */
export const humanizeField = (name: string): string => {
  const words = name
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
    .replace(/[_\s]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A field path in words, generic leaf names dropped ("Opening hours, Saturday, note" → "Opening hours, Saturday"). */
const nameOf = (field: string): string => {
  const segments = field
    .split(", ")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (segments.length > 0 && GENERIC.test(segments.at(-1) as string)) segments.pop();
  return segments
    .map((s, i) =>
      i === 0 ? humanizeField(s) : /[_A-Z]/.test(s.slice(1)) || /^[a-z]/.test(s) ? humanizeField(s).toLowerCase() : s,
    )
    .join(", ");
};

/** A value that can name its row: text, not a number or a bare identifier, short. */
const canName = (text: string): boolean =>
  text !== "" && text.length <= 80 && !/^[\d\s.,:%€$£-]+$/.test(text) && !(BARE_TOKEN.test(text) && /[_\d]/.test(text));

/**
 * One record (ordered field → text) as a section; undefined when it holds no text. `rowHeader`: a
 * table's first column names its row when no column is called name/title/label ("40ft high cube"
 * in a `container_type` column), as a reader of the table would take it.
 */
export const recordSection = (
  fields: readonly [string, string][],
  columns: FaqColumns,
  rowHeader = false,
): Section | undefined => {
  const value = (name: string | undefined) =>
    name === undefined ? "" : cleanText(fields.find(([f]) => f === name)?.[1] ?? "");
  const group = value(columns.group);
  const headingPath = group === "" ? [] : [group];
  const question = value(columns.question);
  const answer = value(columns.answer);
  if (question !== "" && answer !== "") return { kind: "faq", text: `${question}\n${answer}`, headingPath };
  const first = fields.find(([, text]) => cleanText(text) !== "");
  const labelField =
    columns.label ??
    (rowHeader && first && !IDENTIFIER.test(leafOf(first[0])) && canName(cleanText(first[1])) ? first[0] : undefined);
  const label = value(labelField);
  const lines = fields
    .filter(([field]) => field !== labelField && field !== columns.group)
    .map(([field, text]) => [field.trim(), cleanText(text)] as const)
    .filter(([field, text]) => text !== "" && !(IDENTIFIER.test(leafOf(field)) && BARE_TOKEN.test(text)))
    .map(([field, text]) => {
      const name = field === "" ? "" : nameOf(field);
      const lead = [label, name].filter((s) => s !== "").join(", ");
      return lead === "" ? text : `${lead}: ${text}`;
    });
  if (lines.length === 0 && label !== "") lines.push(label);
  return lines.length === 0 ? undefined : { kind: "record", text: lines.join("\n"), headingPath };
};
