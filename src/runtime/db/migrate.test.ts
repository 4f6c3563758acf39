import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeStores } from "../../../test/support/db";
import { migrations } from "./embedded.gen";
import { migrate, migrationStatus } from "./migrate";

test("embedded.gen.ts carries exactly the migrations of meta/_journal.json, byte for byte", () => {
  const dir = join(import.meta.dir, "migrations");
  const journal = JSON.parse(readFileSync(join(dir, "meta/_journal.json"), "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  expect(migrations.map((m) => [m.tag, m.when])).toEqual(journal.entries.map((e) => [e.tag, e.when]));
  for (const m of migrations) expect(m.sql).toBe(readFileSync(join(dir, `${m.tag}.sql`), "utf8"));
});

describeStores("migrations", (getDb) => {
  test("a migrated database reports nothing pending; migrating again is a no-op", async () => {
    const { sql } = getDb();
    expect(await migrate(sql, migrations)).toEqual([]);
    const status = await migrationStatus(sql, migrations);
    expect(status).toEqual({
      applied: migrations.length,
      pending: [],
      latest: migrations.at(-1)!.tag,
      known: migrations.length,
    });
  });

  test("messages is stored with free room on each page (storage.ts); setting it again alters nothing", async () => {
    const { sql } = getDb();
    const reloptions = async () =>
      (
        await sql<{ reloptions: string[] | null }[]>`select reloptions from pg_class where oid = 'messages'::regclass`
      )[0].reloptions;
    expect(await reloptions()).toContain("fillfactor=60");
    // A store made before the setting existed (or set by hand) gets it at the next start.
    await sql`alter table messages reset (fillfactor)`;
    expect(await migrate(sql, migrations)).toEqual([]);
    expect(await reloptions()).toContain("fillfactor=60");
  });

  test("concurrent migrators apply a new migration exactly once", async () => {
    const { sql } = getDb();
    const next = { tag: "9999_test", when: Date.now() + 1e9, sql: "create table test_concurrent (id int);" };
    const results = await Promise.all([
      migrate(sql, [...migrations, next], "9.1.0"),
      migrate(sql, [...migrations, next], "9.1.0"),
    ]);
    expect(results.flat()).toEqual(["9999_test"]);
    const rows = await sql`select count(*)::int as n from drizzle.__drizzle_migrations where created_at = ${next.when}`;
    expect(rows[0].n).toBe(1);
    const recorded = await sql`select tag, xin_version from drizzle.xin_migrations where created_at = ${next.when}`;
    expect(recorded.map((r) => [r.tag, r.xin_version])).toEqual([["9999_test", "9.1.0"]]);
  });

  test("a database holding a migration this binary does not know is refused, naming it and the xin that applied it", async () => {
    const { sql } = getDb();
    for (const attempt of [() => migrate(sql, migrations), () => migrationStatus(sql, migrations)]) {
      const e = await attempt().then(
        () => null,
        (err: unknown) => err as { code: string; message: string; hint: string },
      );
      expect(e?.code).toBe("store.migration_unknown");
      expect(e?.message).toContain("migrated by xin 9.1.0");
      expect(e?.message).toContain("does not know the migration(s) 9999_test");
      expect(e?.message).toContain(`knows up to ${migrations.at(-1)!.tag}`);
      expect(e?.hint).toContain("run xin 9.1.0 or newer");
      expect(e?.hint).toContain("xin restore FILE --data-dir DIR");
    }
    // Nothing was applied by the refused binary: the unknown migration is still the last one.
    const [last] = await sql`select max(created_at)::bigint as w from drizzle.__drizzle_migrations`;
    expect(Number(last.w)).toBeGreaterThan(migrations.at(-1)!.when);
  });
});
