import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { isXinError, XinError } from "../../runtime";
import { chunkId } from "../backends/brand-index";
import type { BrandScope, RetrievalBackend, SourceUpsert } from "../backends/types";
import { crawl, type CrawlOptions } from "./crawl/crawl";
import { detectFormat } from "./parse-file";
import { prepareSource, type SourceInput } from "./prepare-source";
import { applyReleases, heldCount, isHeld } from "./quarantine/quarantine";
import type { InjectionReason } from "./quarantine/detect";
import type { QuarantinedPassage } from "./quarantine/types";
import { classifySource } from "./source-hash";
import { isUploadSource } from "./upload-name";
import { walkFiles } from "./walk";

export type IngestSummary = {
  added: string[];
  changed: string[];
  unchanged: string[];
  removed: string[];
  /** `code` is set when a policy refused the source (e.g. `egress.blocked`). */
  failed: { source: string; reason: string; code?: string }[];
  /** Passages held back in this run (new or changed sources only), with why: never retrieved until released. */
  quarantined: {
    source: string;
    passage: number;
    chunk_id: string;
    hash: string;
    reasons: InjectionReason[];
    evidence: string;
  }[];
  chunks: number;
  seconds: number;
};

/** Earlier releases by source and passage hash, so a re-ingest keeps what the owner released. */
const releasesOf = (passages: QuarantinedPassage[]): Map<string, Map<string, { by: string; at: string }>> => {
  const out = new Map<string, Map<string, { by: string; at: string }>>();
  for (const p of passages) {
    if (!p.quarantine.released) continue;
    const bySource = out.get(p.source) ?? new Map<string, { by: string; at: string }>();
    bySource.set(p.hash, p.quarantine.released);
    out.set(p.source, bySource);
  }
  return out;
};

export type IngestProgress = { sources_done: number; sources_total: number | null; chunks: number; current: string };

export type IngestOptions = {
  backend: RetrievalBackend & { upsertSources?: (inputs: SourceUpsert[]) => Promise<{ status: string }[]> };
  scope: BrandScope;
  /**
   * Files, folders (recursive) and http(s) URLs (crawled within their origin). Server paths only from
   * the operator's local CLI: the ingest job passes URLs alone (its payload is validated as such).
   */
  inputs: string[];
  /** Uploaded files (through the API): the name is the source, relative to the folder uploaded. */
  uploads?: { source: string; read: () => Uint8Array | null }[];
  /**
   * Remove stored sources under the given folders (or of the given sites) that were not seen; with
   * uploads, stored uploaded sources that are neither uploaded now nor named in `keep`.
   */
  prune?: boolean;
  /** Upload names sent with earlier requests of the same upload (batches), kept by `prune`. */
  keep?: string[];
  /** The fetch crawling uses: the egress guard's, so no URL reaches a refused address. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Keeps raw documents for reprocessing (the blob store). */
  keepRaw?: (bytes: Uint8Array) => void;
  /** Embeds chunk texts when an embeddings endpoint is configured. */
  embed?: (texts: string[]) => Promise<Float32Array[]>;
  crawl?: CrawlOptions;
  onProgress?: (p: IngestProgress) => void;
  signal?: AbortSignal;
};

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Local inputs walked up front (cheap), so progress can show a total and an ETA. */
const planFiles = (inputs: string[], failed: IngestSummary["failed"]): Map<string, string[]> => {
  const plan = new Map<string, string[]>();
  for (const input of inputs) {
    if (isUrl(input)) continue;
    const root = resolve(input);
    try {
      plan.set(input, walkFiles(root));
    } catch (e) {
      failed.push({
        source: root,
        reason: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (e as Error).message,
      });
      plan.set(input, []);
    }
  }
  return plan;
};

async function* sourcesOf(
  inputs: string[],
  plan: Map<string, string[]>,
  options: IngestOptions,
  failed: IngestSummary["failed"],
): AsyncGenerator<SourceInput> {
  for (const input of inputs) {
    if (isUrl(input)) {
      try {
        for await (const event of crawl(input, {
          ...options.crawl,
          signal: options.signal,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        })) {
          if (event.kind === "skipped")
            failed.push({ source: event.url, reason: event.reason, ...(event.code ? { code: event.code } : {}) });
          else yield { source: event.url, url: event.url, bytes: event.bytes, format: event.format };
        }
      } catch (e) {
        // A site refused by policy (or not a URL) is that input's failure; the rest of the run goes on.
        if (options.signal?.aborted || !isXinError(e)) throw e;
        failed.push({ source: input, reason: e.message, code: e.code });
      }
      continue;
    }
    for (const file of plan.get(input) ?? []) {
      if (!detectFormat(file)) {
        failed.push({ source: file, reason: "unsupported file type" });
        continue;
      }
      yield { source: file, bytes: new Uint8Array(readFileSync(file)) };
    }
  }
  for (const upload of options.uploads ?? []) {
    if (!detectFormat(upload.source)) {
      failed.push({ source: upload.source, reason: "unsupported file type" });
      continue;
    }
    const bytes = upload.read();
    if (bytes === null)
      failed.push({
        source: upload.source,
        reason: "the uploaded content is gone from the blob store; upload it again",
      });
    else yield { source: upload.source, bytes };
  }
}

/**
 * Brings a brand's knowledge in step with files, folders and sites: unchanged sources (same content
 * hash) cost a hash and nothing else; changed ones replace their chunks atomically; with `prune`,
 * sources gone from the given folders or sites are removed. A source that cannot be read or parsed
 * is reported with its reason and does not stop the run. Writes go in batches (one transaction each
 * on the Postgres backend). Every passage of a new or changed source has been screened for
 * instructions aimed at the assistant (prepareSource); flagged ones are stored held back, unless the
 * owner released that exact passage (same content hash) before, and are listed in the summary.
 */
export const runIngest = async (options: IngestOptions): Promise<IngestSummary> => {
  const started = performance.now();
  const summary: IngestSummary = {
    added: [],
    changed: [],
    unchanged: [],
    removed: [],
    failed: [],
    quarantined: [],
    chunks: 0,
    seconds: 0,
  };
  const stored = new Map((await options.backend.listSources(options.scope)).map((s) => [s.source, s.hash]));
  const releases = releasesOf(await options.backend.listQuarantined(options.scope));
  const seen = new Set<string>();
  let batch: SourceUpsert[] = [];
  let done = 0;
  const plan = planFiles(options.inputs, summary.failed);
  const total = options.inputs.some(isUrl)
    ? null
    : [...plan.values()].reduce((n, f) => n + f.length, 0) + (options.uploads?.length ?? 0);

  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    const outcomes = options.backend.upsertSources
      ? await options.backend.upsertSources(items)
      : await Promise.all(items.map((i) => options.backend.upsertSource(i)));
    outcomes.forEach((o, i) =>
      (o.status === "added" ? summary.added : o.status === "changed" ? summary.changed : summary.unchanged).push(
        items[i].meta.source,
      ),
    );
  };

  for await (const input of sourcesOf(options.inputs, plan, options, summary.failed)) {
    if (options.signal?.aborted) throw new XinError("ingest.aborted", "ingestion was stopped");
    seen.add(input.source);
    options.keepRaw?.(input.bytes);
    const prepared = await prepareSource(input);
    done++;
    if (!prepared.ok) {
      summary.failed.push({ source: prepared.source, reason: prepared.reason });
    } else if (classifySource(stored.get(prepared.source), prepared.hash) === "unchanged") {
      summary.unchanged.push(prepared.source);
    } else {
      const chunks = applyReleases(prepared.chunks, releases.get(prepared.source) ?? new Map());
      const held = heldCount(chunks);
      const embeddings = options.embed && chunks.length ? await options.embed(chunks.map((c) => c.text)) : undefined;
      batch.push({
        scope: options.scope,
        meta: {
          source: prepared.source,
          hash: prepared.hash,
          format: prepared.format,
          title: prepared.title,
          ...(input.url ? { url: input.url } : {}),
          ...(held > 0 ? { quarantined: held } : {}),
        },
        chunks,
        embeddings,
      });
      for (const c of chunks) {
        if (!isHeld(c) || !c.quarantine) continue;
        summary.quarantined.push({
          source: c.source,
          passage: c.ordinal,
          chunk_id: chunkId(c),
          hash: c.hash,
          reasons: c.quarantine.reasons,
          evidence: c.quarantine.evidence,
        });
      }
      summary.chunks += chunks.length;
      if (batch.length >= 200 || batch.reduce((n, b) => n + b.chunks.length, 0) >= 5000) await flush();
    }
    options.onProgress?.({ sources_done: done, sources_total: total, chunks: summary.chunks, current: input.source });
  }
  await flush();

  if (options.prune) {
    const roots = options.inputs.map((i) => (isUrl(i) ? new URL(i).origin : resolve(i)));
    for (const source of stored.keys()) {
      const under = roots.some((r) => source === r || source.startsWith(r.endsWith("/") ? r : `${r}/`));
      if (under && !seen.has(source) && (await options.backend.removeSource(options.scope, source)))
        summary.removed.push(source);
    }
    if (options.uploads?.length || options.keep?.length) {
      const keep = new Set(options.keep ?? []);
      for (const source of stored.keys()) {
        if (
          isUploadSource(source) &&
          !seen.has(source) &&
          !keep.has(source) &&
          (await options.backend.removeSource(options.scope, source))
        )
          summary.removed.push(source);
      }
    }
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
};
