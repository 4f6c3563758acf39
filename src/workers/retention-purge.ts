import { transaction } from "../runtime/db";
import type { KindHandler } from "./automation";

/** Messages per transaction: each batch is a short delete on an index, so webhooks and replies keep flowing between. */
const BATCH = 1000;

/**
 * `retention_purge`: deletes the tenant's messages older than `after_days`, oldest first, in batches of
 * short transactions (never a message still queued for delivery). The files of their attachments go
 * too — the tenant's shared upload row in the batch's transaction, the blob-store file after it
 * commits — once no remaining message (of any tenant: the blob store is content-addressed and shared)
 * and no knowledge document names them. Counted in `/metrics` as `xin_retention_purged_total{what}`.
 * Conversations stay (closing them is close_idle's). Idempotent: a second run finds nothing older.
 */
export const retentionPurgeHandler: KindHandler<"retention_purge"> = async ({
  db,
  now,
  automation,
  config,
  blobs,
  metrics,
}) => {
  const before = new Date(now.getTime() - config.after_days * 86_400_000).toISOString();
  let messages = 0;
  let files = 0;
  for (;;) {
    const { n, orphans } = await transaction(db(), async ({ sql }) => {
      const [gone] = await sql<{ n: number; shas: string[] }[]>`
        with gone as (
          delete from messages where id in (
            select id from messages
            where tenant_id = ${automation.tenant_id} and created_at < ${before}::timestamptz and status <> 'queued'
            order by created_at limit ${BATCH})
          returning id, conversation_id, attachments),
        -- An old message never answered leaves the pending list with it (a turn would find nothing to read).
        unpended as (delete from pending_messages p using gone g where p.conversation_id = g.conversation_id and p.message_id = g.id)
        select (select count(*)::int from gone) as n,
               coalesce((select array_agg(distinct a->'blob'->>'sha256') from gone, jsonb_array_elements(gone.attachments) a
                         where a->'blob'->>'sha256' is not null), '{}') as shas`;
      if (gone.shas.length === 0) return { n: gone.n, orphans: [] as string[] };
      // Still named by a message or a document: kept. Read after the delete, in its transaction.
      const unnamed = await sql<{ sha: string }[]>`
        select s.sha from unnest(${sql.array(gone.shas)}::text[]) as s(sha)
        where not exists (select 1 from messages m where m.attachments @> jsonb_build_array(jsonb_build_object('blob', jsonb_build_object('sha256', s.sha))))
          and not exists (select 1 from knowledge_sources k where k.content_hash = s.sha)`;
      const orphans = unnamed.map((r) => r.sha);
      if (orphans.length)
        await sql`delete from upload_blobs where tenant_id = ${automation.tenant_id} and sha256 = any(${sql.array(orphans)}::text[])`;
      return { n: gone.n, orphans };
    });
    for (const sha of orphans) if (blobs?.remove(sha)) files++;
    messages += n;
    metrics?.retentionPurged.inc({ what: "messages" }, n);
    metrics?.retentionPurged.inc({ what: "blobs" }, orphans.length);
    if (n < BATCH) break;
    // Between batches, the event loop (and the pool) serve everything else first.
    await Bun.sleep(0);
  }
  return { messages, files };
};
