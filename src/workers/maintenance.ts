import type { Sql } from "postgres";
import { releaseSharedUploads } from "../runtime/db";
import type { JobHandler } from "../runtime/queue";

export const PURGE_JOBS = "maintenance.purge_jobs";

/** Deletes finished (done/dead) jobs older than the retention period, in bounded batches. */
export const purgeJobsHandler =
  (sql: Sql, retentionDays: number): JobHandler =>
  async (_job, ctx) => {
    let total = 0;
    for (;;) {
      const rows = await sql`
      delete from jobs where id in (
        select id from jobs where state in ('done', 'dead') and finished_at < now() - ${retentionDays} * interval '1 day'
        limit 5000)`;
      total += rows.count;
      if (rows.count < 5000 || ctx.signal.aborted) break;
    }
    // Uploads shared for ingest jobs (runtime/db/upload-blobs.ts) are kept until their jobs have run.
    const uploads = await releaseSharedUploads(sql);
    // The record of fired schedule slots (workers/scheduler.ts) is kept as long as finished jobs.
    await sql`delete from schedule_runs where fired_at < now() - ${retentionDays} * interval '1 day'`;
    ctx.log.info("jobs purged", { count: total, shared_uploads: uploads });
  };
