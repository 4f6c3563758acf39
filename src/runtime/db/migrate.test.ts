import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeStores } from "../../../test/support/db";
import { migrations } from "./embedded.gen";
import { migrate, migrationStatus } from "./migrate";

test("embedded.gen.ts carries exactly the migrations of meta/_journal.json, byte for byte", () => {
  const dir = join(import.meta.dir, "migrations");
  const journal = JSON.parse(readFileSync(join(dir, "meta/_journal.json"), "utf8")) as { entries: { tag: string; when: number }[] };
  expect(migrations.map((m) => [m.tag, m.when])).toEqual(journal.entries.map((e) => [e.tag, e.when]));
  for (const m of migrations) expect(m.sql).toBe(readFileSync(join(dir, `${m.tag}.sql`), "utf8"));
});

describeStores("migrations", (getDb) => {
  test("a migrated database reports nothing pending; migrating again is a no-op", async () => {
    const { sql } = getDb();
    expect(await migrate(sql, migrations)).toEqual([]);
    const status = await migrationStatus(sql, migrations);
    expect(status).toEqual({ applied: migrations.length, pending: [], latest: migrations.at(-1)!.tag, known: migrations.length });
  });

  test("messages is stored with free room on each page (storage.ts); setting it again alters nothing", async () => {
    const { sql } = getDb();
    const reloptions = async () => (await sql<{ reloptions: string[] | null }[]>`select reloptions from pg_class where oid = 'messages'::regclass`)[0].reloptions;
    expect(await reloptions()).toContain("fillfactor=60");
    // A store made before the setting existed (or set by hand) gets it at the next start.
    await sql`alter table messages reset (fillfactor)`;
    expect(await migrate(sql, migrations)).toEqual([]);
    expect(await reloptions()).toContain("fillfactor=60");
  });

  test("concurrent migrators apply a new migration exactly once", async () => {
    const { sql } = getDb();
    const next = { tag: "9999_test", when: Date.now() + 1e9, sql: "create table test_concurrent (id int);" };
    const results = await Promise.all([migrate(sql, [...migrations, next]), migrate(sql, [...migrations, next])]);
    expect(results.flat()).toEqual(["9999_test"]);
    const rows = await sql`select count(*)::int as n from drizzle.__drizzle_migrations where created_at = ${next.when}`;
    expect(rows[0].n).toBe(1);
  });

  test("a database holding a migration this binary does not know is refused", async () => {
    const { sql } = getDb();
    await expect(migrate(sql, migrations)).rejects.toMatchObject({ code: "store.migration_unknown" });
    await expect(migrationStatus(sql, migrations)).rejects.toMatchObject({ code: "store.migration_unknown" });
  });
});
