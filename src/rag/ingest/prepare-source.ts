import { chunkDocument, DEFAULT_CHUNKING, type Chunk, type ChunkOptions } from "./chunker";
import { parseSource } from "./parse-file";
import { screenChunks } from "./quarantine/quarantine";
import { hashSource } from "./source-hash";
import type { SourceFormat } from "./types";

/**
 * One source, from bytes to chunks: hash, parse, chunk, and screen every chunk for instructions
 * aimed at the assistant (flagged chunks carry a `quarantine`). This is the database-free half of the
 * ingest job; the job decides from `hash` whether to call it at all (classifySource) and writes
 * the chunks. Never throws for bad input: a failed source carries its reason.
 */
export type PreparedSource =
  | { ok: true; source: string; hash: string; format: SourceFormat; title: string; chunks: Chunk[] }
  | { ok: false; source: string; hash: string; format: SourceFormat | "unknown"; reason: string };

export type SourceInput = { source: string; bytes: Uint8Array; url?: string; format?: SourceFormat };

export const prepareSource = async (
  input: SourceInput,
  options: ChunkOptions = DEFAULT_CHUNKING,
): Promise<PreparedSource> => {
  const hash = hashSource(input.bytes);
  const parsed = await parseSource({ path: input.url ?? input.source, bytes: input.bytes, format: input.format });
  if (!parsed.ok) return { ok: false, source: input.source, hash, format: parsed.format, reason: parsed.reason };
  const chunks = screenChunks(chunkDocument(parsed.document, { source: input.source, url: input.url }, options));
  return {
    ok: true,
    source: input.source,
    hash,
    format: parsed.format,
    title: chunks[0]?.title ?? input.source,
    chunks,
  };
};

/**
 * Prepares several sources one after another (parsers are CPU-bound; running them concurrently
 * would only interleave them) and yields each result as it is ready, so a caller can show
 * progress and a failure never stops the run.
 */
export async function* prepareSources(
  inputs: Iterable<SourceInput> | AsyncIterable<SourceInput>,
  options: ChunkOptions = DEFAULT_CHUNKING,
): AsyncGenerator<PreparedSource> {
  for await (const input of inputs) yield prepareSource(input, options);
}
