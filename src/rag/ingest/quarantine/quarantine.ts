import { indexText, type Chunk } from "../chunker";
import { detectInjection } from "./detect";
import type { Quarantine, QuarantinedPassage } from "./types";

export const isHeld = (chunk: Pick<Chunk, "quarantine">): boolean =>
  chunk.quarantine !== undefined && chunk.quarantine.released === undefined;

/** Runs the detector over each chunk (its index text: title and headings count too). */
export const screenChunks = (chunks: readonly Chunk[]): Chunk[] =>
  chunks.map((chunk) => {
    const { quarantine: _previous, ...clean } = chunk;
    const finding = detectInjection(indexText(chunk));
    return finding ? { ...clean, quarantine: finding } : clean;
  });

/**
 * Carries earlier releases over to freshly screened chunks of the same source: a passage whose
 * content hash the owner released stays released however often its source is re-ingested; an
 * edited passage has a new hash and is judged afresh.
 */
export const applyReleases = (
  chunks: readonly Chunk[],
  released: ReadonlyMap<string, { by: string; at: string }>,
): Chunk[] =>
  chunks.map((chunk) => {
    const release = chunk.quarantine && released.get(chunk.hash);
    return release && chunk.quarantine ? { ...chunk, quarantine: { ...chunk.quarantine, released: release } } : chunk;
  });

export const heldCount = (chunks: readonly Chunk[]): number => chunks.filter(isHeld).length;

export const toQuarantinedPassage = (
  chunk: Chunk & { quarantine: Quarantine },
  chunkId: string,
): QuarantinedPassage => ({
  source: chunk.source,
  ordinal: chunk.ordinal,
  chunk_id: chunkId,
  hash: chunk.hash,
  heading: chunk.headingPath.join(" › "),
  text: chunk.text,
  quarantine: chunk.quarantine,
});
