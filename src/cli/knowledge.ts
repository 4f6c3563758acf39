import type { Command } from "commander";
import { readFileSync } from "node:fs";
import {
  createEmbedder,
  createKnowledgeBackend,
  ingestIntoBrand,
  REASON_TEXT,
  releasePassages,
  removeKnowledgeSource,
  resolveBrand,
  searchKnowledge,
  type IngestSummary,
  type QuarantinedPassage,
  type SearchResult,
  type SourceMeta,
} from "../app";
import { usageError, XinError } from "../runtime";
import type { ApiClient } from "./client";
import { cliLogger, configFrom } from "./context";
import { report, table } from "./output";
import { createProgress } from "./progress";
import { uploadIngest } from "./upload-ingest";
import { pickSource } from "./source-name";
import { planUpload } from "./upload-plan";
import { viaServerOrStore } from "./with-store";

type Common = { config?: string; brand: string; tenant?: string; json?: boolean };

const summaryText = (s: IngestSummary) =>
  [
    `ingested in ${s.seconds.toFixed(1)}s: ${s.added.length} added, ${s.changed.length} changed, ${s.unchanged.length} unchanged, ${s.removed.length} removed, ${s.failed.length} failed (${s.chunks} chunks written)`,
    ...s.failed.map((f) => `  failed  ${f.source}: ${f.reason}`),
    ...quarantineLines(s.quarantined ?? []),
  ].join("\n");

// Why a passage was held back, in words (the reason codes are the stable part, shown in --json).
const why = (reasons: readonly string[]) =>
  reasons.map((r) => (REASON_TEXT as Record<string, string>)[r] ?? r).join("; ");
const clip = (text: string, n = 160) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

const quarantineLines = (q: IngestSummary["quarantined"]) =>
  q.length === 0
    ? []
    : [
        `${q.length} passage(s) quarantined: they carry instructions for the assistant and will not be used to answer (\`xin knowledge show SOURCE\`, \`xin knowledge release SOURCE --passage N\`)`,
        ...q.map(
          (p) =>
            `  quarantined  ${p.source} passage ${p.passage}: ${why(p.reasons)}\n               "${clip(p.evidence)}"`,
        ),
      ];

/** Follows an ingest job on the server until it finishes, drawing its progress. */
export const followJob = async (client: ApiClient, jobId: number): Promise<IngestSummary> => {
  const progress = createProgress("ingest");
  for (;;) {
    const job = await client.get<{
      state: string;
      progress: {
        phase?: string;
        summary?: IngestSummary;
        sources_done?: number;
        sources_total?: number | null;
        chunks?: number;
      } | null;
      last_error: string | null;
    }>(`/api/v1/jobs/${jobId}`);
    if (job.progress?.phase === "running")
      progress.update({
        done: job.progress.sources_done ?? 0,
        total: job.progress.sources_total ?? null,
        chunks: job.progress.chunks ?? 0,
      });
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
    .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--prune", "remove stored sources that are gone from the given folders or sites")
    .option("--max-pages <n>", "crawling: at most this many pages per site", "200")
    .option("--max-depth <n>", "crawling: at most this many links away from the start page", "3")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print the summary as one JSON document")
    .action(async (inputs: string[], opts: Common & { prune?: boolean; maxPages: string; maxDepth: string }) => {
      const crawl = { max_pages: Number(opts.maxPages), max_depth: Number(opts.maxDepth) };
      if (!Number.isInteger(crawl.max_pages) || crawl.max_pages < 1)
        throw usageError(`--max-pages must be a positive whole number, got "${opts.maxPages}"`);
      if (!Number.isInteger(crawl.max_depth) || crawl.max_depth < 0)
        throw usageError(`--max-depth must be a whole number, got "${opts.maxDepth}"`);
      const config = configFrom(opts.config);
      const summary = await viaServerOrStore<IngestSummary>(
        config,
        cliLogger(),
        {
          // A server never reads this machine's paths: the files are read here and uploaded.
          api: (client) =>
            uploadIngest(client, opts.brand, planUpload(inputs, config.server.upload_limit_bytes), {
              prune: opts.prune ?? false,
              crawl,
              follow: followJob,
            }),
          store: async (store) => {
            const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
            // Files are named as an upload to a server names them (their path within the folder given,
            // `faq/a.md`), so a source is the same whichever path ingested it, and not this machine's path.
            const local = planUpload(inputs, Number.MAX_SAFE_INTEGER);
            const progress = createProgress("ingest");
            const result = await ingestIntoBrand({
              db: () => store.db,
              dataDir: config.data_dir,
              embedder: createEmbedder(config),
              config,
              scope: { tenant_id: brand.tenant_id, brand_id: brand.id },
              inputs: local.urls,
              uploads: local.batches
                .flat()
                .map((f) => ({ source: f.name, read: () => new Uint8Array(readFileSync(f.path)) })),
              prune: opts.prune ?? false,
              crawl,
              onProgress: (p) =>
                progress.update({ done: p.sources_done, total: p.sources_total, chunks: p.chunks, current: p.current }),
            });
            progress.done();
            return { ...result, failed: [...local.failed, ...result.failed] };
          },
        },
        { brand: opts },
      );
      report(summary, opts, summaryText);
      // 1 when anything failed (the summary says which), as the README's exit codes promise.
      if (summary.failed.length > 0) process.exitCode = 1;
    });

const showText = (meta: SourceMeta, passages: QuarantinedPassage[]) => {
  const held = passages.filter((p) => !p.quarantine.released);
  const lines = [
    table([
      ["source", meta.source],
      ["title", meta.title],
      ["format", meta.format],
      ["hash", meta.hash],
      ["url", meta.url ?? ""],
      ["quarantined", String(held.length)],
    ]),
  ];
  for (const p of passages) {
    const state = p.quarantine.released
      ? `released by ${p.quarantine.released.by} at ${p.quarantine.released.at}`
      : "quarantined";
    lines.push(
      `\npassage ${p.ordinal}${p.heading ? ` (${p.heading})` : ""}: ${state}`,
      `  why: ${why(p.quarantine.reasons)}`,
      `  found: "${clip(p.quarantine.evidence, 240)}"`,
      `  text: ${clip(p.text, 240)}`,
    );
  }
  if (held.length > 0)
    lines.push(
      `\nthese passages are never used to answer; \`xin knowledge release ${meta.source} --passage N\` overrides`,
    );
  return lines.join("\n");
};

const hitsText = (r: SearchResult & { query: string }) =>
  r.hits.length === 0
    ? `no results for "${r.query}" (${r.mode})`
    : [
        `${r.hits.length} results for "${r.query}" (${r.mode})`,
        ...r.hits.map((h, i) => {
          const where = [
            h.chunk.source,
            h.chunk.page ? `p. ${h.chunk.page}` : null,
            h.chunk.headingPath.join(" › ") || null,
          ]
            .filter(Boolean)
            .join(" · ");
          const snippet = h.chunk.text.replace(/\s+/g, " ").slice(0, 160);
          return `\n${String(i + 1).padStart(2)}. ${h.score.toFixed(3)}  ${where}\n    ${snippet}${h.chunk.text.length > 160 ? "…" : ""}`;
        }),
      ].join("\n");

export const searchCommand = (program: Command) =>
  program
    .command("search")
    .description("search a brand's knowledge: ranked chunks with scores and sources")
    .argument("<query>", "what to look for")
    .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--k <n>", "number of results", "8")
    .option("--config <file>", "config file")
    .option("--json", "print one JSON document")
    .action(async (query: string, opts: Common & { k: string }) => {
      const k = Number(opts.k);
      if (!Number.isInteger(k) || k < 1 || k > 100)
        throw usageError(`--k must be a whole number from 1 to 100, got "${opts.k}"`);
      const config = configFrom(opts.config);
      const result = await viaServerOrStore<SearchResult>(
        config,
        cliLogger(),
        {
          api: (client) =>
            client.get(`/api/v1/brands/${encodeURIComponent(opts.brand)}/search?q=${encodeURIComponent(query)}&k=${k}`),
          store: async (store) => {
            const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
            return searchKnowledge(
              createKnowledgeBackend(() => store.db, config),
              createEmbedder(config),
              { tenant_id: brand.tenant_id, brand_id: brand.id },
              query,
              k,
            );
          },
        },
        { brand: opts },
      );
      report({ query, ...result }, opts, hitsText);
    });

export const knowledgeCommand = (program: Command) => {
  const knowledge = program.command("knowledge").description("list, show and remove a brand's knowledge sources");
  const withStore = <T>(
    opts: Common,
    api: (c: ApiClient) => Promise<T>,
    direct: (
      backend: ReturnType<typeof createKnowledgeBackend>,
      scope: { tenant_id: string; brand_id: string },
    ) => Promise<T>,
  ) => {
    const config = configFrom(opts.config);
    return viaServerOrStore<T>(
      config,
      cliLogger(),
      {
        api,
        store: async (store) => {
          const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
          return direct(
            createKnowledgeBackend(() => store.db, config),
            { tenant_id: brand.tenant_id, brand_id: brand.id },
          );
        },
      },
      { brand: opts },
    );
  };
  const brandPath = (opts: Common) => `/api/v1/brands/${encodeURIComponent(opts.brand)}/sources`;
  const quarantinePath = (opts: Common) => `/api/v1/brands/${encodeURIComponent(opts.brand)}/quarantine`;
  const common = (c: Command) =>
    c
      .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
      .option("--tenant <tenant>", "tenant id or name")
      .option("--config <file>", "config file")
      .option("--json", "print one JSON document");

  common(knowledge.command("list").description("the brand's sources with their content hashes")).action(
    async (opts: Common) => {
      const sources = await withStore<SourceMeta[]>(
        opts,
        async (c) => (await c.get<{ data: SourceMeta[] }>(brandPath(opts))).data,
        (b, s) => b.listSources(s),
      );
      report(sources, opts, (list) =>
        list.length
          ? table(
              list.map((s) => [
                s.source,
                `${s.format} · ${s.hash.slice(0, 12)}${s.quarantined ? ` · ${s.quarantined} quarantined` : ""}`,
              ]),
            )
          : "no sources",
      );
    },
  );

  common(
    knowledge
      .command("show")
      .description("one source: format, hash, title, and its quarantined passages with the reasons")
      .argument("<source>", "the source as listed"),
  ).action(async (source: string, opts: Common) => {
    const found = await withStore<{ meta: SourceMeta; passages: QuarantinedPassage[] } | null>(
      opts,
      async (c) => {
        const sources = (await c.get<{ data: SourceMeta[] }>(brandPath(opts))).data;
        const name = pickSource(
          sources.map((m) => m.source),
          source,
        );
        const meta = sources.find((m) => m.source === name);
        if (!meta) return null;
        const passages = (
          await c.get<{ data: QuarantinedPassage[] }>(
            `${quarantinePath(opts)}?source=${encodeURIComponent(meta.source)}`,
          )
        ).data;
        return { meta, passages };
      },
      async (b, s) => {
        const sources = await b.listSources(s);
        const name = pickSource(
          sources.map((m) => m.source),
          source,
        );
        const meta = sources.find((m) => m.source === name);
        return meta ? { meta, passages: await b.listQuarantined(s, meta.source) } : null;
      },
    );
    if (!found)
      throw new XinError("knowledge.source_not_found", `no source "${source}" in this brand`, {
        hint: "`xin knowledge list --brand B` shows them",
      });
    report({ ...found.meta, quarantine: found.passages }, opts, () => showText(found.meta, found.passages));
  });

  common(
    knowledge
      .command("release")
      .description("use quarantined passages of a source again (the owner's override; audited)")
      .argument("<source>", "the source as listed"),
  )
    .option("--passage <n>", "only this passage (as `xin knowledge show` numbers them)")
    .action(async (source: string, opts: Common & { passage?: string }) => {
      const ordinal = opts.passage === undefined ? undefined : Number(opts.passage);
      if (ordinal !== undefined && !(Number.isInteger(ordinal) && ordinal >= 0))
        throw usageError(`--passage must be a passage number (0, 1, …), got "${opts.passage}"`);
      const config = configFrom(opts.config);
      const released = await viaServerOrStore<QuarantinedPassage[]>(
        config,
        cliLogger(),
        {
          api: async (c) => {
            const name =
              pickSource(
                (await c.get<{ data: SourceMeta[] }>(brandPath(opts))).data.map((m) => m.source),
                source,
              ) ?? source;
            return (
              await c.request<{ released: QuarantinedPassage[] }>("POST", `${quarantinePath(opts)}/release`, {
                source: name,
                ...(ordinal === undefined ? {} : { passage: ordinal }),
              })
            ).released;
          },
          store: async (store) => {
            const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
            const scope = { tenant_id: brand.tenant_id, brand_id: brand.id };
            const backend = createKnowledgeBackend(() => store.db, config);
            const name = pickSource(
              (await backend.listSources(scope)).map((m) => m.source),
              source,
            );
            const done = name ? await releasePassages(() => store.db, backend, scope, [name], ordinal, "cli") : [];
            if (done.length > 0) return done;
            if (!name)
              throw new XinError("knowledge.source_not_found", `no source "${source}" in this brand`, {
                status: 404,
                hint: "`xin knowledge list --brand B` shows them",
              });
            throw new XinError(
              "knowledge.not_quarantined",
              ordinal === undefined
                ? "no passage of this source is held back"
                : `passage ${ordinal} of this source is not held back`,
              { status: 404 },
            );
          },
        },
        { brand: opts },
      );
      report({ released }, opts, () =>
        [
          `released ${released.length} passage(s); they are used to answer again:`,
          ...released.map((p) => `  ${p.source} passage ${p.ordinal}`),
        ].join("\n"),
      );
    });

  common(
    knowledge
      .command("remove")
      .description("remove a source and its chunks")
      .argument("<source>", "the source as listed"),
  ).action(async (source: string, opts: Common) => {
    const config = configFrom(opts.config);
    const removed = await viaServerOrStore<boolean>(
      config,
      cliLogger(),
      {
        api: async (c) => {
          const name = pickSource(
            (await c.get<{ data: SourceMeta[] }>(brandPath(opts))).data.map((m) => m.source),
            source,
          );
          return (
            name !== null &&
            (await c.request<{ removed: boolean }>("DELETE", `${brandPath(opts)}?source=${encodeURIComponent(name)}`))
              .removed
          );
        },
        store: async (store) => {
          const brand = await resolveBrand(store.db, opts.brand, opts.tenant);
          const scope = { tenant_id: brand.tenant_id, brand_id: brand.id };
          const name = pickSource(
            (await createKnowledgeBackend(() => store.db, config).listSources(scope)).map((m) => m.source),
            source,
          );
          return name !== null && removeKnowledgeSource(() => store.db, config, scope, name, name, "cli");
        },
      },
      { brand: opts },
    );
    if (!removed) throw new XinError("knowledge.source_not_found", `no source "${source}" in this brand`);
    report({ removed: source }, opts, () => `removed ${source}`);
  });
  return knowledge;
};
