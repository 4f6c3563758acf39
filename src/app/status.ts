import { eq } from "drizzle-orm";
import { inboxCounts, type InboxCounts } from "../inbox";
import type { Config } from "../runtime/config";
import { schema, type MigrationStatus, type Store, type StoreKind } from "../runtime/db";
import { queueDepth } from "../runtime/queue";
import { listTenants } from "../tenancy";
import type { PollHealth } from "../workers";
import { answeringMode, type AnsweringMode } from "./answering";
import { XIN_VERSION } from "./version";

export type InstanceStatus = {
  instance: { name: string; id: string | null; version: string; data_dir: string };
  store: { kind: StoreKind; migrations: MigrationStatus };
  /** How knowledge is searched: hybrid (BM25 + dense) with an embeddings endpoint, else lexical-only. */
  retrieval: { backend: "postgres" | "qdrant"; mode: "hybrid" | "lexical"; embeddings_model: string | null };
  queue: { by_state: Record<string, number>; by_kind: { kind: string; state: string; count: number }[] };
  tenants: { id: string; name: string }[];
  counts: InboxCounts;
  server: { running: boolean; pid: number | null; uptime_seconds: number | null };
  /** How customers are answered: `llm` (the configured model) or `knowledge` (best passage, no LLM). */
  answering: { mode: AnsweringMode; model: string | null };
  /** The channels the running server polls (Telegram without a public URL), and whether their polls succeed. */
  polling: PollHealth[];
};

/** Everything `xin status` and `GET /api/v1/status` report, read from the store. */
export const readStatus = async (
  store: Store,
  config: Config,
  server: InstanceStatus["server"],
  polling: PollHealth[] = [],
): Promise<InstanceStatus> => {
  const [idRow] = await store.db.select().from(schema.instanceMeta).where(eq(schema.instanceMeta.key, "instance_id"));
  const depth = await queueDepth(store.sql);
  const byState: Record<string, number> = { queued: 0, running: 0, done: 0, dead: 0 };
  for (const d of depth) byState[d.state] = (byState[d.state] ?? 0) + d.count;
  return {
    instance: { name: config.instance_name, id: idRow?.value ?? null, version: XIN_VERSION, data_dir: config.data_dir },
    store: { kind: store.kind, migrations: await store.migrationStatus() },
    retrieval: {
      backend: config.retrieval.backend,
      mode: config.embeddings ? "hybrid" : "lexical",
      embeddings_model: config.embeddings?.model ?? null,
    },
    queue: { by_state: byState, by_kind: depth },
    tenants: (await listTenants(store.db)).map((t) => ({ id: t.id, name: t.name })),
    counts: await inboxCounts(store.sql),
    server,
    answering: { mode: answeringMode(config), model: config.llm?.model ?? null },
    polling,
  };
};
