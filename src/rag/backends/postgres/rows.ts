import type { Chunk } from "../../ingest/chunker";
import type { SectionKind, SourceFormat } from "../../ingest/types";
import type { SourceMeta } from "../types";

/** What a chunk row keeps in `metadata` besides its text: everything needed to rebuild the Chunk. */
export type ChunkMetadata = {
  url?: string;
  title: string;
  heading_path: string[];
  page?: number;
  kind: SectionKind;
  hash: string;
};

export const chunkMetadata = (c: Chunk): ChunkMetadata => ({
  ...(c.url ? { url: c.url } : {}),
  title: c.title,
  heading_path: c.headingPath,
  ...(c.page !== undefined ? { page: c.page } : {}),
  kind: c.kind,
  hash: c.hash,
});

export const chunkFromRow = (
  row: { ordinal: number; text: string; token_count: number; metadata: unknown },
  source: string,
): Chunk => {
  const m = row.metadata as ChunkMetadata;
  return {
    ordinal: row.ordinal,
    source,
    ...(m.url ? { url: m.url } : {}),
    title: m.title,
    headingPath: m.heading_path,
    ...(m.page !== undefined ? { page: m.page } : {}),
    kind: m.kind,
    text: row.text,
    tokens: row.token_count,
    hash: m.hash,
  };
};

/** `knowledge_sources.metadata` holds the source's format, title and URL. */
export type SourceRowMetadata = { format: SourceFormat; title: string; url?: string };

export const sourceMetaFromRow = (row: {
  source: string;
  content_hash: string;
  metadata: unknown;
  quarantined?: number;
}): SourceMeta => {
  const m = row.metadata as SourceRowMetadata;
  const held = row.quarantined ?? 0;
  return {
    source: row.source,
    hash: row.content_hash,
    format: m.format,
    title: m.title,
    ...(m.url ? { url: m.url } : {}),
    ...(held > 0 ? { quarantined: held } : {}),
  };
};
