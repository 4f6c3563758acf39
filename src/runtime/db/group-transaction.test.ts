import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createTestDb, type TestDb } from "../../../test/support/db";
import { GroupTransaction } from "./group-transaction";

let db: TestDb & { dispose(): Promise<void> };
beforeAll(async () => {
  db = await createTestDb("embedded");
  await db.sql`create table gt (n int primary key, txid bigint)`;
});
afterAll(() => db.dispose());

const write =
  (n: number) =>
  async ({ tx, afterCommit }: Parameters<Parameters<GroupTransaction["run"]>[0]>[0]) => {
    await tx.execute(sql`insert into gt (n, txid) values (${n}, txid_current())`);
    let committed = false;
    afterCommit(() => (committed = true));
    return () => committed;
  };

test("concurrent work shares one transaction, each caller gets its own result after COMMIT", async () => {
  const group = new GroupTransaction(() => db.db);
  const results = await Promise.all([1, 2, 3, 4, 5].map((n) => group.run(write(n))));
  expect(results.every((committed) => committed())).toBe(true);
  const txids = await db.sql`select count(distinct txid)::int as n, count(*)::int as rows from gt where n <= 5`;
  // The first runs alone (an idle group does not wait); the four that queued meanwhile share one.
  expect(txids[0]).toEqual({ n: 2, rows: 5 });
});

test("one failing piece of work fails alone: the others are run again by themselves and commit", async () => {
  const group = new GroupTransaction(() => db.db);
  const boom = async () => {
    throw new Error("lease lost");
  };
  const outcomes = await Promise.allSettled([
    group.run(write(10)),
    group.run(write(11)),
    group.run(boom),
    group.run(write(12)),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
  expect((outcomes[2] as PromiseRejectedResult).reason.message).toBe("lease lost");
  expect((await db.sql`select n from gt where n >= 10 order by n`).map((r) => r.n)).toEqual([10, 11, 12]);
});
