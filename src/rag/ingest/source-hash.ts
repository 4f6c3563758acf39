import { sha256Hex } from "../../runtime";

/**
 * Idempotent ingestion works on the raw bytes' hash: a source whose hash is unchanged needs no
 * parsing, chunking or embedding; a changed one has all its chunks replaced in one transaction;
 * one no longer present (with --prune) has its chunks removed.
 */
export const hashSource = (bytes: Uint8Array | string): string => sha256Hex(bytes);

export type SourceChange = "added" | "changed" | "unchanged";

/** What to do with a source given the hash stored for it (undefined: never ingested). */
export const classifySource = (storedHash: string | undefined, currentHash: string): SourceChange =>
  storedHash === undefined ? "added" : storedHash === currentHash ? "unchanged" : "changed";

/** Sources the store knows that were not seen in this run (candidates for --prune). */
export const missingSources = (stored: Iterable<string>, seen: ReadonlySet<string>): string[] =>
  [...stored].filter((source) => !seen.has(source)).sort();
