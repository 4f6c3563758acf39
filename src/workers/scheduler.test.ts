import { expect, test } from "bun:test";
import { describeStores } from "../../test/support/db";
import { silentLogger } from "../runtime";
import { openClient } from "../runtime/db";
import { fireSlot, schedulerService, type Schedule } from "./scheduler";

const EVERY_SECOND: Schedule = {
  name: "tick",
  cron: "* * * * * *",
  job: () => ({ kind: "test.tick", key: "test.tick" }),
};

describeStores("scheduler", (getDb) => {
  test("a slot fired by two leaders at once is recorded and enqueued once, its job naming the slot", async () => {
    const { db, sql } = getDb();
    const slot = new Date("2026-12-03T03:17:00.250Z");
    const deps = (owner: string) => ({ db, wake: null, maxAttempts: 3, owner });
    const fired = await Promise.all([fireSlot(deps("a"), EVERY_SECOND, slot), fireSlot(deps("b"), EVERY_SECOND, slot)]);
    expect(fired.sort()).toEqual([false, true]);
    expect(await fireSlot(deps("a"), EVERY_SECOND, new Date("2026-12-03T03:17:01Z"))).toBe(true);
    const runs = await sql<
      { ms: number }[]
    >`select extract(epoch from slot)::float8 * 1000 as ms from schedule_runs where schedule = 'tick' order by slot`;
    expect(runs.map((r) => new Date(r.ms).toISOString())).toEqual([
      "2026-12-03T03:17:00.000Z",
      "2026-12-03T03:17:01.000Z",
    ]);
    const jobs = await sql<
      { slot: string }[]
    >`select payload->>'slot' as slot from jobs where kind = 'test.tick' order by id`;
    expect(jobs.map((j) => j.slot)).toEqual(["2026-12-03T03:17:00.000Z", "2026-12-03T03:17:01.000Z"]);
  });

  test("two instances: one leads, the other takes the lead once it stops, and no slot runs twice", async () => {
    const { db, sql, target } = getDb();
    await sql`delete from schedule_runs`;
    const sessions: { end(): Promise<void> }[] = [];
    const instance = (owner: string) =>
      schedulerService({
        session: () => {
          const s = openClient(target, { max: 1 }).sql;
          sessions.push(s);
          return s;
        },
        db: () => db,
        wake: null,
        log: silentLogger,
        schedules: [{ ...EVERY_SECOND, name: "two" }],
        maxAttempts: 3,
        owner: () => owner,
        checkEveryMs: 200,
      });
    const a = instance("a");
    const b = instance("b");
    await a.start();
    await b.start();
    await Bun.sleep(2_500);
    await a.stop(Date.now() + 2_000);
    await Bun.sleep(2_500);
    await b.stop(Date.now() + 2_000);
    const runs = await sql<
      { fired_by: string }[]
    >`select fired_by from schedule_runs where schedule = 'two' order by slot`;
    const by = runs.map((r) => r.fired_by);
    // a led first (it asked first), then b; never both, never back.
    expect(by[0]).toBe("a");
    expect(by.at(-1)).toBe("b");
    expect(by.join("")).toMatch(/^a+b+$/);
    const jobs = await sql<
      { n: number; slots: number }[]
    >`select count(*)::int as n, count(distinct payload->>'slot')::int as slots from jobs where kind = 'test.tick'`;
    expect(jobs[0].n).toBe(jobs[0].slots);
    for (const s of sessions) await s.end().catch(() => {});
  }, 20_000);
});
