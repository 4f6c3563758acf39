import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { createTestDb, type TestDb } from "../../../test/support/db";
import { transaction } from "./client";
import { jobs } from "./schema";
import { StatementPolicy } from "./statement-cache";

test("a text is prepared from its third use on; one-off texts, big batches and texts past the cap never are", () => {
  const p = new StatementPolicy();
  expect([1, 2, 3, 4].map(() => p.shouldPrepare("select 1", 0))).toEqual([false, false, true, true]);
  expect([1, 2, 3].map(() => p.shouldPrepare("insert many", 65))).toEqual([false, false, false]);
  for (let i = 0; i < 256; i++) for (let k = 0; k < 3; k++) p.shouldPrepare(`select ${i}`, 1);
  expect([1, 2, 3].map(() => p.shouldPrepare("one too many", 1))).toEqual([false, false, false]);
  expect(p.shouldPrepare("select 1", 0)).toBe(true); // already prepared ones stay so
});

let db: TestDb & { dispose(): Promise<void> };
beforeAll(async () => {
  db = await createTestDb("embedded", { max: 1 });
});
afterAll(() => db.dispose());

const preparedTexts = async (run: (q: string) => Promise<unknown[]>) =>
  ((await run("select statement from pg_prepared_statements")) as { statement: string }[]).map((r) => r.statement);

test("drizzle's repeated queries become prepared statements on the connection, inside transactions too", async () => {
  for (let i = 0; i < 3; i++)
    await db.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(eq(jobs.kind, `k${i}`));
  expect(
    (await preparedTexts((q) => db.db.execute(sql.raw(q)))).some((s) =>
      s.includes('from "jobs" where "jobs"."kind" = $1'),
    ),
  ).toBe(true);
  const inTx = await transaction(db.db, async ({ tx }) => {
    for (let i = 0; i < 3; i++)
      await tx
        .select({ n: jobs.attempts })
        .from(jobs)
        .where(eq(jobs.key, `x${i}`));
    return preparedTexts((q) => tx.execute(sql.raw(q)));
  });
  expect(inTx.some((s) => s.includes('from "jobs" where "jobs"."key" = $1'))).toBe(true);
});
