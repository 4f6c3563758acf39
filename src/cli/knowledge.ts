import type { Command } from "commander";
import { resolve } from "node:path";
import { createEmbedder, createKnowledgeBackend, ingestIntoBrand, removeKnowledgeSource, resolveBrand, searchKnowledge, type IngestSummary, type SearchResult, type SourceMeta } from "../app";
import { usageError, XinError } from "../runtime";
import type { ApiClient } from "./client";
import { cliLogger, configFrom } from "./context";
import { report, table } from "./output";
import { createProgress } from "./progress";
import { uploadIngest } from "./upload-ingest";
import { planUpload } from "./upload-plan";
import { viaServerOrStore } from "./with-store";

type Common = { config?: string; brand: string; tenant?: string; json?: boolean };

const summaryText = (s: IngestSummary) =>
  [
    `ingested in ${s.seconds.toFixed(1)}s: ${s.added.length} added, ${s.changed.length} changed, ${s.unchanged.length} unchanged, ${s.removed.length} removed, ${s.failed.length} failed (${s.chunks} chunks written)`,
    ...s.failed.map((f) => `  failed  ${f.source}: ${f.reason}`),
  ].join("\n");

/** Follows an ingest job on the server until it finishes, drawing its progress. */
export const followJob = async (client: ApiClient, jobId: number): Promise<IngestSummary> => {
  const progress = createProgress("ingest");
  for (;;) {
    const job = await client.get<{ state: string; progress: { phase?: string; summary?: IngestSummary; sources_done?: number; sources_total?: number | null; chunks?: number } | null; last_error: string | null }>(`/api/v1/jobs/${jobId}`);
    if (job.progress?.phase === "running") progress.update({ done: job.progress.sources_done ?? 0, total: job.progress.sources_total ?? null, chunks: job.progress.chunks ?? 0 });
    if (job.state === "done") {
      progress.done();
      if (job.progress?.summary) return job.progress.summary;
      throw new XinError("ingest.no_summary", "the server finished the ingest job without a summary");
    }
    if (job.state === "dead") {
      progress.done();
      throw new XinError("ingest.failed", `ingestion failed on the server: ${job.last_error ?? "unknown error"}`);
    }
    await Bun.sleep(200);
  }
};

export const ingestCommand = (program: Command) =>
  program
    .command("ingest")
    .description("bring files, folders (recursively) and URLs (crawled within their site) into a brand's knowledge")
    .argument("<inputs...>", "files, folders or http(s) URLs")
    .requiredOption("--brand <brand>", "brand id, slug or name")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--prune", "remove stored sources that are gone from the given folders or sites")
    .option("--max-pages <n>", "crawling: at most this many pages per site", "200")
    .option("--max-depth <n>", "crawling: at most this many links away from the start page", "3")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print the summary as one JSON document")
    .action(async (inputs: string[], opts: Common & { prune?: boolean; maxPages: string; maxDepth: string }) => {
      const crawl = { max_pages: Number(opts.maxPages), max_depth: Number(opts.maxDepth) };
      if (!Number.isInteger(crawl.max_pages) || crawl.max_pages < 1) throw usageError(`--max-pages must be a positive whole number, got "${opts.maxPages}"`);
      if (!Number.isInteger(crawl.max_depth) || crawl.max_depth < 0) throw usageError(`--max-depth must be a whole number, got "${opts.maxDepth}"`);
      const config = configFrom(opts.config);
      // Paths are resolved here, where the user typed them: the store path reads them as they are.
      const absolute = inputs.map((i) => (/^https?:\/\//i.test(i) ? i : resolve(i)));
      const summary = await viaServerOrStore<IngestSummary>(config, cliLogger(), {
        // A server never reads this machine's paths: the files are read here and uploaded.
        api: (client) => uploadIngest(client, opts.brand, planUpload(inputs, config.server.upload_limit_bytes), { prune: opts.prune ?? false, crawl, follow: followJob }),
        store: async (store) => {
          const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
          const progress = createProgress("ingest");
          const result = await ingestIntoBrand({
            db: () => store.db,
            dataDir: config.data_dir,
            embedder: createEmbedder(config),
            config,
            scope: { tenant_id: brand.tenant_id, brand_id: brand.id },
            inputs: absolute,
            prune: opts.prune ?? false,
            crawl,
            onProgress: (p) => progress.update({ done: p.sources_done, total: p.sources_total, chunks: p.chunks, current: p.current }),
          });
          progress.done();
          return result;
        },
      });
      report(summary, opts, summaryText);
      if (summary.failed.length > 0 && summary.added.length + summary.changed.length + summary.unchanged.length === 0) process.exitCode = 1;
    });

const hitsText = (r: SearchResult & { query: string }) =>
  r.hits.length === 0
    ? `no results for "${r.query}" (${r.mode})`
    : [
        `${r.hits.length} results for "${r.query}" (${r.mode})`,
        ...r.hits.map((h, i) => {
          const where = [h.chunk.source, h.chunk.page ? `p. ${h.chunk.page}` : null, h.chunk.headingPath.join(" › ") || null].filter(Boolean).join(" · ");
          const snippet = h.chunk.text.replace(/\s+/g, " ").slice(0, 160);
          return `\n${String(i + 1).padStart(2)}. ${h.score.toFixed(3)}  ${where}\n    ${snippet}${h.chunk.text.length > 160 ? "…" : ""}`;
        }),
      ].join("\n");

export const searchCommand = (program: Command) =>
  program
    .command("search")
    .description("search a brand's knowledge: ranked chunks with scores and sources")
    .argument("<query>", "what to look for")
    .requiredOption("--brand <brand>", "brand id, slug or name")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--k <n>", "number of results", "8")
    .option("--config <file>", "config file")
    .option("--json", "print one JSON document")
    .action(async (query: string, opts: Common & { k: string }) => {
      const k = Math.max(1, Math.min(100, Number(opts.k) || 8));
      const config = configFrom(opts.config);
      const result = await viaServerOrStore<SearchResult>(config, cliLogger(), {
        api: (client) => client.get(`/api/v1/brands/${encodeURIComponent(opts.brand)}/search?q=${encodeURIComponent(query)}&k=${k}`),
        store: async (store) => {
          const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
          return searchKnowledge(createKnowledgeBackend(() => store.db, config), createEmbedder(config), { tenant_id: brand.tenant_id, brand_id: brand.id }, query, k);
        },
      });
      report({ query, ...result }, opts, hitsText);
    });

export const knowledgeCommand = (program: Command) => {
  const knowledge = program.command("knowledge").description("list, show and remove a brand's knowledge sources");
  const withStore = <T>(opts: Common, api: (c: ApiClient) => Promise<T>, direct: (backend: ReturnType<typeof createKnowledgeBackend>, scope: { tenant_id: string; brand_id: string }) => Promise<T>) => {
    const config = configFrom(opts.config);
    return viaServerOrStore<T>(config, cliLogger(), {
      api,
      store: async (store) => {
        const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
        return direct(createKnowledgeBackend(() => store.db, config), { tenant_id: brand.tenant_id, brand_id: brand.id });
      },
    });
  };
  const brandPath = (opts: Common) => `/api/v1/brands/${encodeURIComponent(opts.brand)}/sources`;
  const common = (c: Command) =>
    c.requiredOption("--brand <brand>", "brand id, slug or name").option("--tenant <tenant>", "tenant id or name").option("--config <file>", "config file").option("--json", "print one JSON document");

  common(knowledge.command("list").description("the brand's sources with their content hashes")).action(async (opts: Common) => {
    const sources = await withStore<SourceMeta[]>(opts, async (c) => (await c.get<{ data: SourceMeta[] }>(brandPath(opts))).data, (b, s) => b.listSources(s));
    report(sources, opts, (list) => (list.length ? table(list.map((s) => [s.source, `${s.format} · ${s.hash.slice(0, 12)}`])) : "no sources"));
  });

  common(knowledge.command("show").description("one source: format, hash, title").argument("<source>", "the source as listed")).action(async (source: string, opts: Common) => {
    const sources = await withStore<SourceMeta[]>(opts, async (c) => (await c.get<{ data: SourceMeta[] }>(brandPath(opts))).data, (b, s) => b.listSources(s));
    const found = sources.find((s) => s.source === source || s.source === resolve(source));
    if (!found) throw new XinError("knowledge.source_not_found", `no source "${source}" in this brand`, { hint: "`xin knowledge list --brand B` shows them" });
    report(found, opts, (s) => table([["source", s.source], ["title", s.title], ["format", s.format], ["hash", s.hash], ["url", s.url ?? ""]]));
  });

  common(knowledge.command("remove").description("remove a source and its chunks").argument("<source>", "the source as listed")).action(async (source: string, opts: Common) => {
    const config = configFrom(opts.config);
    const removed = await viaServerOrStore<boolean>(config, cliLogger(), {
      api: async (c) => (await c.request<{ removed: boolean }>("DELETE", `${brandPath(opts)}?source=${encodeURIComponent(source)}`)).removed,
      store: async (store) => {
        const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
        return removeKnowledgeSource(() => store.db, config, { tenant_id: brand.tenant_id, brand_id: brand.id }, source, resolve(source), "cli");
      },
    });
    if (!removed) throw new XinError("knowledge.source_not_found", `no source "${source}" in this brand`);
    report({ removed: source }, opts, () => `removed ${source}`);
  });
  return knowledge;
};
