import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createTestDb, type TestDb } from "../../../test/support/db";
import { transaction } from "./client";

let db: TestDb & { dispose(): Promise<void> };
beforeAll(async () => {
  db = await createTestDb("embedded");
  await db.sql`create table tx_both (n int primary key)`;
});
afterAll(() => db.dispose());

test("a transaction's tagged templates and its drizzle statements are one transaction", async () => {
  const seen = await transaction(db.db, async (ctx) => {
    const [[viaTemplate], [viaDrizzle]] = await Promise.all([
      ctx.sql`select txid_current()::text as id`,
      ctx.tx.execute<{ id: string }>(sql`select txid_current()::text as id`),
    ]);
    await ctx.sql`insert into tx_both (n) values (1)`;
    // Written through one, read through the other before COMMIT.
    const [row] = await ctx.tx.execute<{ n: number }>(sql`select count(*)::int as n from tx_both`);
    return { same: viaTemplate.id === viaDrizzle.id, rows: row.n };
  });
  expect(seen).toEqual({ same: true, rows: 1 });
});

test("a rollback takes back what both wrote", async () => {
  const failed = await transaction(db.db, async (ctx) => {
    await ctx.sql`insert into tx_both (n) values (2)`;
    await ctx.tx.execute(sql`insert into tx_both (n) values (3)`);
    throw new Error("rolled back on purpose");
  }).catch((e: Error) => e.message);
  expect(failed).toBe("rolled back on purpose");
  expect(await db.sql`select n from tx_both where n > 1`).toHaveLength(0);
});
