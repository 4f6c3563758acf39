import { expect, test } from "bun:test";
import { describeStores } from "../../test/support/db";
import { silentLogger } from "../runtime";
import type { JobContext } from "../runtime/queue";
import { purgeJobsHandler } from "./maintenance";

const ctx = { log: silentLogger, signal: new AbortController().signal } as unknown as JobContext;
const job = {
  id: 1,
  kind: "maintenance.purge_jobs",
  key: null,
  tenant_id: null,
  payload: {},
  attempts: 1,
  max_attempts: 3,
};

describeStores("purge", (getDb) => {
  test("drops finished jobs, slot records and shared uploads past their time; keeps what is recent or still named", async () => {
    const { sql } = getDb();
    await sql`insert into jobs (kind, state, payload, finished_at, tenant_id, max_attempts) values
      ('x', 'done', '{}', now() - interval '8 days', null, 1), ('x', 'done', '{}', now(), null, 1),
      ('ingest', 'queued', ${JSON.stringify({ files: [{ name: "a.md", blob: "a".repeat(64), size: 1 }] })}::jsonb, null, 'ten_p', 1)`;
    await sql`insert into schedule_runs (schedule, slot, fired_at) values ('s', now() - interval '8 days', now() - interval '8 days'), ('s', now(), now())`;
    // a: named by an open job; b: a day old and named by nothing; c: fresh (a visitor sends it right after uploading).
    await sql`insert into upload_blobs (tenant_id, sha256, bytes, created_at) values
      ('ten_p', ${"a".repeat(64)}, '\\x61', now() - interval '2 days'), ('ten_p', ${"b".repeat(64)}, '\\x62', now() - interval '2 days'), ('ten_p', ${"c".repeat(64)}, '\\x63', now())`;
    await purgeJobsHandler(sql, 7)(job, ctx);
    expect((await sql`select kind, state from jobs order by id`).map((r) => `${r.kind}:${r.state}`)).toEqual([
      "x:done",
      "ingest:queued",
    ]);
    expect((await sql`select count(*)::int as n from schedule_runs`)[0].n).toBe(1);
    expect((await sql`select sha256 from upload_blobs order by sha256`).map((r) => r.sha256)).toEqual([
      "a".repeat(64),
      "c".repeat(64),
    ]);
  });
});
