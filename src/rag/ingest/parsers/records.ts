import { cleanText, type Section } from "../types";

/**
 * Shared by the CSV/TSV and JSON parsers: a record (a row, an object) becomes one section.
 * When it has a question field and an answer field it is a FAQ pair, written as the question on
 * one line and the answer below it, so the pair is always retrieved (and chunked) together.
 * Otherwise it is a `record`: `field: value` lines in the record's own field order.
 */
const QUESTION = /^(q|question|questions|faq|query|frage|pregunta|question[ _-]?text)$/i;
const ANSWER = /^(a|answer|answers|antwort|respuesta|response|reply|answer[ _-]?text)$/i;
const GROUP = /^(category|section|topic|group|kategorie|categoria)$/i;

/** Which fields of a header hold the question, answer and group (category), if any. */
export type FaqColumns = { question?: string; answer?: string; group?: string };

export const faqColumns = (fields: readonly string[]): FaqColumns => ({
  question: fields.find((f) => QUESTION.test(f.trim())),
  answer: fields.find((f) => ANSWER.test(f.trim())),
  group: fields.find((f) => GROUP.test(f.trim())),
});

/** One record (ordered field → text) as a section; undefined when it holds no text. */
export const recordSection = (fields: readonly [string, string][], columns: FaqColumns): Section | undefined => {
  const value = (name: string | undefined) => (name === undefined ? "" : cleanText(fields.find(([f]) => f === name)?.[1] ?? ""));
  const group = value(columns.group);
  const headingPath = group === "" ? [] : [group];
  const question = value(columns.question);
  const answer = value(columns.answer);
  if (question !== "" && answer !== "") return { kind: "faq", text: `${question}\n${answer}`, headingPath };
  const lines = fields
    .map(([field, text]) => [field.trim(), cleanText(text)] as const)
    .filter(([, text]) => text !== "")
    .map(([field, text]) => (field === "" ? text : `${field}: ${text}`));
  return lines.length === 0 ? undefined : { kind: "record", text: lines.join("\n"), headingPath };
};
