import { sha256Hex, XinError } from "../../runtime";
import { estimateTokens, splitSentences, splitToFit, splitWords, tailOf } from "./tokens";
import type { Quarantine } from "./quarantine/types";
import type { ParsedDocument, Section, SectionKind } from "./types";

/** Token budget per chunk, and how much of the previous chunk is repeated at the start of the next. */
export type ChunkOptions = { maxTokens: number; overlapTokens: number };
export const DEFAULT_CHUNKING: ChunkOptions = { maxTokens: 350, overlapTokens: 50 };

/** Where a document came from: a path relative to the ingested root, or a URL. */
export type SourceRef = { source: string; url?: string };

/**
 * A retrievable unit. `text` is the body only; `title` and `headingPath` say where it sits, and
 * `indexText` (below) is what gets indexed and embedded. `hash` is the sha256 of the index text:
 * equal hashes mean an unchanged chunk (no re-embedding needed).
 */
export type Chunk = {
  ordinal: number;
  source: string;
  url?: string;
  title: string;
  headingPath: string[];
  page?: number;
  kind: SectionKind;
  text: string;
  tokens: number;
  hash: string;
  /** Set at ingest when the passage carries instructions for the assistant (quarantine/). */
  quarantine?: Quarantine;
};

/** Title and headings as a breadcrumb, then the body: headings carry the words people search. */
export const indexText = (chunk: Pick<Chunk, "title" | "headingPath" | "text">): string => {
  const crumbs = [chunk.title, ...chunk.headingPath].filter((c, i, all) => c !== "" && all.indexOf(c) === i);
  return crumbs.length === 0 ? chunk.text : `${crumbs.join(" › ")}\n${chunk.text}`;
};

// Sections that must never share a chunk with a neighbour.
const STANDALONE = new Set<SectionKind>(["faq", "record"]);
const groupKey = (s: Section) => `${s.page ?? ""}\u0000${s.headingPath.join("\u0000")}`;

/** Consecutive sections under the same headings (and page) form a group; FAQ pairs and records stand alone. */
const groupSections = (sections: Section[]): Section[][] => {
  const groups: Section[][] = [];
  for (const section of sections) {
    const last = groups[groups.length - 1];
    const joinable =
      last && !STANDALONE.has(section.kind) && !STANDALONE.has(last[0].kind) && groupKey(last[0]) === groupKey(section);
    if (joinable) last.push(section);
    else groups.push([section]);
  }
  return groups;
};

/** Bodies for one FAQ pair: the question repeats on every piece so each piece is still answerable. */
const faqBodies = (text: string, options: ChunkOptions): string[] => {
  const [question, ...rest] = text.split("\n");
  const answer = rest.join(" ");
  const room = options.maxTokens - estimateTokens(question);
  if (estimateTokens(text) <= options.maxTokens || room < options.maxTokens / 4)
    return splitToFit(text, options.maxTokens);
  return splitToFit(answer, room).map((piece) => `${question}\n${piece}`);
};

/** Packing units of a group: whole sections, or the sentences (word windows) of an oversized one. */
const proseUnits = (group: Section[], options: ChunkOptions) => {
  // Units leave room for the overlap, so a carried-over tail always fits in front of the next unit.
  const unitMax = options.maxTokens - options.overlapTokens;
  return group.flatMap((section, index) => {
    if (estimateTokens(section.text) <= unitMax) return [{ text: section.text, kind: section.kind, index }];
    return splitSentences(section.text)
      .flatMap((sentence) => (estimateTokens(sentence) <= unitMax ? [sentence] : splitWords(sentence, unitMax)))
      .map((text) => ({ text, kind: section.kind, index }));
  });
};

/** Bodies for a group of prose sections: greedy packing, with overlap between consecutive bodies. */
const proseBodies = (group: Section[], options: ChunkOptions): string[] => {
  const bodies: string[] = [];
  let current = "";
  let previous: { kind: SectionKind; index: number } | undefined;
  for (const unit of proseUnits(group, options)) {
    // Pieces of one section read on with a space; list items one per line; sections as paragraphs.
    const separator =
      previous?.index === unit.index
        ? " "
        : unit.kind === "list_item" && previous?.kind === "list_item"
          ? "\n"
          : "\n\n";
    const joined = current === "" ? unit.text : `${current}${separator}${unit.text}`;
    if (current !== "" && estimateTokens(joined) > options.maxTokens) {
      bodies.push(current);
      const overlap = tailOf(current, options.overlapTokens);
      current = overlap === "" ? unit.text : `${overlap}${separator}${unit.text}`;
    } else current = joined;
    previous = unit;
  }
  if (current !== "") bodies.push(current);
  return bodies;
};

/**
 * Splits a parsed document into chunks. Pure and deterministic: the same document and options
 * always give the same chunks (texts, order, hashes), which is what makes re-ingestion
 * idempotent. A chunk never mixes two heading paths or pages, never exceeds `maxTokens` (by the
 * estimate in tokens.ts), and FAQ pairs and records are never merged with anything.
 */
export const chunkDocument = (
  doc: ParsedDocument,
  ref: SourceRef,
  options: ChunkOptions = DEFAULT_CHUNKING,
): Chunk[] => {
  if (!(options.maxTokens >= 16) || !(options.overlapTokens >= 0) || options.overlapTokens >= options.maxTokens / 2) {
    throw new XinError(
      "rag.chunking_invalid",
      "chunking needs maxTokens >= 16 and 0 <= overlapTokens < maxTokens / 2",
      { data: options },
    );
  }
  const title = doc.title ?? ref.source.split("/").pop() ?? ref.source;
  const chunks: Chunk[] = [];
  for (const group of groupSections(doc.sections)) {
    const first = group[0];
    const bodies =
      first.kind === "faq"
        ? faqBodies(first.text, options)
        : STANDALONE.has(first.kind)
          ? splitToFit(first.text, options.maxTokens)
          : proseBodies(group, options);
    for (const text of bodies) {
      const base = { title, headingPath: first.headingPath, text };
      chunks.push({
        ordinal: chunks.length,
        source: ref.source,
        ...(ref.url === undefined ? {} : { url: ref.url }),
        ...base,
        ...(first.page === undefined ? {} : { page: first.page }),
        kind: first.kind,
        tokens: estimateTokens(text),
        hash: sha256Hex(indexText(base)),
      });
    }
  }
  return chunks;
};
