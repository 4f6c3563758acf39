import { validate } from "node-cron";
import { z } from "zod";
import { parseCidr } from "../ip";
import { answerConfigSchema } from "./answer";
import { embeddingsConfigSchema, llmConfigSchema } from "./llm";

/**
 * The one config schema. Sources, lowest to highest precedence: these defaults → `xin.toml` → the
 * instance env file (`<data_dir>/xin.env`) → the process environment (`XIN_` + key path in upper case,
 * levels joined by `__`: `server.port` ← `XIN_SERVER__PORT`). Every object is strict so a typo is an
 * error, and every key is described: the descriptions feed `xin config` output and the README table.
 */
const port = z.coerce.number().int().min(1).max(65535);

/**
 * A list of addresses and CIDR ranges: a TOML array, or from the environment one string separated by
 * commas or spaces (`XIN_SERVER__TRUSTED_PROXIES=10.0.0.0/8,::1`). Each bad entry is one issue naming it.
 */
const ipRanges = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v),
  z.array(z.string()).superRefine((entries, ctx) => {
    for (const entry of entries) {
      if (!parseCidr(entry))
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(entry)} is not an IP address or CIDR range` });
    }
  }),
);

export const serverSchema = z
  .object({
    host: z.string().default("0.0.0.0").describe("address the HTTP server listens on"),
    port: port
      .default(8080)
      .describe(
        "HTTP port for webhooks, widget, admin API, /healthz, /metrics, and ACME HTTP-01 challenges (80 on a VPS that gets its certificate from xin certs issue)",
      ),
    https_port: port
      .default(443)
      .describe(
        "HTTPS port, served once xin certs issue put a certificate in <data_dir>/certs; plain HTTP then redirects here (except challenges and loopback clients)",
      ),
    hsts: z
      .enum(["true", "false"])
      .or(z.boolean())
      .transform((v) => v === true || v === "true")
      .default(false)
      .describe(
        "send Strict-Transport-Security (one year) on HTTPS answers; turn on once HTTPS works for every name, browsers remember it",
      ),
    public_url: z
      .url()
      .optional()
      .describe("the public https URL providers reach this server at, e.g. https://chat.example.com"),
    body_limit_bytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024)
      .describe("largest accepted request body"),
    media_max_bytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(25 * 1024 * 1024)
      .describe("largest customer file fetched into the blob store"),
    upload_limit_bytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024)
      .describe(
        "largest request body of a knowledge upload (POST /api/v1/brands/{brand}/ingest); `xin ingest` batches its files below it",
      ),
    trusted_proxies: ipRanges
      .default([])
      .describe(
        "reverse proxies (IPs or CIDR ranges, IPv4/IPv6) whose X-Forwarded-For / Forwarded headers name the client; empty: trust none, the TCP peer is the client",
      ),
    drain_timeout_ms: z.coerce
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe("how long shutdown waits for in-flight work"),
  })
  .strict();

export const certsSchema = z
  .object({
    renew_days_before: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(30)
      .describe(
        "renew the certificate this many days before it expires (but not before two thirds of its lifetime, for short-lived ones); failures retry with backoff from 15 min to a day",
      ),
  })
  .strict();

export const backupSchema = z
  .object({
    schedule: z
      .string()
      .refine((s) => s === "" || validate(s), { message: 'not a cron expression (or "" for no scheduled backups)' })
      .default("")
      .describe(
        'when xin backs up its embedded store by itself (cron, server time, e.g. "23 2 * * *" daily at 02:23), into <data_dir>/backups/scheduled; "" (the default) schedules none',
      ),
    keep: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(7)
      .describe("scheduled backups kept; older ones are deleted after each new one"),
  })
  .strict();

export const reportSchema = z
  .object({
    llm_prices: z
      .record(
        z.string().min(1),
        z
          .object({
            input_per_million: z.coerce.number().min(0).describe("price of a million prompt tokens"),
            output_per_million: z.coerce.number().min(0).describe("price of a million completion tokens"),
          })
          .strict(),
      )
      .default({})
      .describe(
        'prices per chat model for `xin report`\'s cost estimate, e.g. [report.llm_prices."gpt-4o-mini"] input_per_million = 0.15, output_per_million = 0.60; a model not listed gets no estimate',
      ),
  })
  .strict();

export const egressSchema = z
  .object({
    allow_cidrs: ipRanges
      .default([])
      .describe(
        'ranges (IPs or CIDRs) that crawling, URL ingest and media downloads may reach although they are loopback, private, link-local or otherwise not public, e.g. ["127.0.0.1/32"] for a site on this host; empty: only public addresses',
      ),
  })
  .strict();

export const databaseSchema = z
  .object({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional()
      .describe("external PostgreSQL URL; when unset xin runs its embedded PostgreSQL in <data_dir>/pg"),
    pool_max: z.coerce.number().int().min(2).max(200).default(10).describe("connections in the pool"),
  })
  .strict();

export const queueSchema = z
  .object({
    run_jobs: z
      .enum(["true", "false"])
      .or(z.boolean())
      .transform((v) => v === true || v === "true")
      .default(true)
      .describe(
        "run jobs, polling and schedules in this process; false makes a gateway-only instance (scale-out: other instances on the same database do the work)",
      ),
    // Most jobs wait on the network (the LLM, a provider's API) far longer than they use the CPU: a low
    // limit leaves the CPU idle while answers queue for a slot (8 capped the end-to-end bench at ~300/s).
    concurrency: z.coerce
      .number()
      .int()
      .min(1)
      .max(256)
      .default(64)
      .describe("jobs run at once by this process (most wait on the LLM or a provider's API)"),
    ack_target_ms: z.coerce
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(50)
      .describe(
        "when webhook acknowledgements get slower than this (p90 per 100 ms), answering and ingestion yield the cores to them and catch up later; 0: never yield",
      ),
    max_attempts: z.coerce.number().int().min(1).max(100).default(8).describe("attempts before a job is dead-lettered"),
    backoff_base_ms: z.coerce
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe("first retry delay; doubles per attempt, with jitter"),
    backoff_max_ms: z.coerce
      .number()
      .int()
      .min(1)
      .default(10 * 60_000)
      .describe("cap on a retry delay"),
    lease_ms: z.coerce
      .number()
      .int()
      .min(500)
      .default(60_000)
      .describe("how long a claimed job is owned before another worker may take it over"),
    poll_interval_ms: z.coerce
      .number()
      .int()
      .min(10)
      .default(2_000)
      .describe("idle poll when no wake-up signal arrives"),
    in_doubt_wait_ms: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(3_600_000)
      .optional()
      .describe(
        "after a crash, how long a WhatsApp send in doubt waits for Meta's status webhook before it is sent again (unset: 60000); shorter resends sooner, and duplicates a reply whose status comes later",
      ),
    retention_days: z.coerce.number().int().min(1).default(7).describe("finished jobs older than this are purged"),
    purge_schedule: z
      .string()
      .refine((s) => validate(s), { message: "not a cron expression" })
      .default("17 3 * * *")
      .describe(
        "when finished jobs are purged (cron, server time; a sixth leading field counts seconds); one instance on the database runs each slot once",
      ),
  })
  .strict();

export const logSchema = z
  .object({
    level: z.enum(["debug", "info", "warn", "error"]).default("info").describe("lowest level written"),
  })
  .strict();

export const telemetrySchema = z
  .object({
    otlp_endpoint: z
      .url()
      .optional()
      .describe(
        "OTLP/HTTP (protobuf) traces URL, e.g. http://127.0.0.1:4318/v1/traces; unset: no traces are made or sent",
      ),
    sample_ratio: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe(
        "share of traces recorded, decided at each webhook or request (0.1: one in ten); the jobs of a message follow its decision",
      ),
  })
  .strict();

export const retrievalSchema = z
  .object({
    backend: z
      .enum(["postgres", "qdrant"])
      .default("postgres")
      .describe("where chunks are searched: postgres (default, no extension) or qdrant (large deployments)"),
    qdrant_url: z.url().optional().describe("Qdrant REST address when backend = qdrant, e.g. http://127.0.0.1:6333"),
    qdrant_api_key: z.string().optional().describe("Qdrant API key, when the server requires one"),
    qdrant_collection: z.string().min(1).default("xin_chunks").describe("the one Qdrant collection this instance uses"),
  })
  .strict()
  .refine((r) => r.backend !== "qdrant" || r.qdrant_url !== undefined, {
    path: ["qdrant_url"],
    message: "required when retrieval.backend = qdrant",
  });

export const configSchema = z
  .object({
    instance_name: z.string().min(1).default("xin").describe("a name for this instance, shown in status"),
    data_dir: z.string().min(1).describe("folder for the embedded store, blobs and runtime files"),
    instance_key: z
      .string()
      .min(32, "must be at least 32 characters")
      .describe("secret that signs tokens and encrypts credentials; kept in <data_dir>/xin.env as XIN_INSTANCE_KEY"),
    admin_token: z
      .string()
      .optional()
      .describe("first admin token, written by xin init into xin.env (XIN_ADMIN_TOKEN)"),
    server: serverSchema.default(serverSchema.parse({})),
    database: databaseSchema.default(databaseSchema.parse({})),
    queue: queueSchema.default(queueSchema.parse({})),
    log: logSchema.default(logSchema.parse({})),
    telemetry: telemetrySchema.default(telemetrySchema.parse({})),
    retrieval: retrievalSchema.default(retrievalSchema.parse({})),
    egress: egressSchema.default(egressSchema.parse({})),
    certs: certsSchema.default(certsSchema.parse({})),
    backup: backupSchema.default(backupSchema.parse({})),
    report: reportSchema.default(reportSchema.parse({})),
    llm: llmConfigSchema.optional().describe("the chat model; unset: xin answers from the knowledge base alone"),
    embeddings: embeddingsConfigSchema.optional().describe("the embeddings endpoint; unset: retrieval is lexical-only"),
    answer: answerConfigSchema.default(answerConfigSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** Keys whose values are secrets: masked in every printout. */
export const SECRET_KEYS = new Set([
  "instance_key",
  "admin_token",
  "database.url",
  "llm.api_key",
  "embeddings.api_key",
  "retrieval.qdrant_api_key",
]);
