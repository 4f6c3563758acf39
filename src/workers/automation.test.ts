import { expect, test } from "bun:test";
import { seedAutomationBrand, type AutomationBrand } from "../../test/support/automation-seed";
import { describeStores, type TestDb } from "../../test/support/db";
import { startTestWorkers } from "../../test/support/workers";
import { newId, silentLogger } from "../runtime";
import { schema } from "../runtime/db";
import { Wake } from "../runtime/queue";
import { AUTOMATION_RUN_JOB, AUTOMATION_SCAN_JOB, automationSchedule, runAutomation, scanAutomations } from ".";
import { fireSlot } from "./scheduler";

const T0 = new Date("2026-12-03T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const addAutomation = async (
  db: TestDb,
  b: AutomationBrand,
  values: { schedule: string; kind?: string; enabled?: boolean; created?: Date; config?: Record<string, unknown> },
) => {
  const id = newId("aut");
  await db.db.insert(schema.automations).values({
    id,
    tenant_id: b.tenantId,
    brand_id: b.brandId,
    kind: values.kind ?? "follow_up",
    schedule: values.schedule,
    config: values.config ?? { after_hours: 4, text: "Anything else I can help with?" },
    enabled: values.enabled ?? true,
    created_at: values.created ?? at(-60),
  });
  return id;
};

const runSlots = async (db: TestDb, id: string) =>
  (
    await db.sql<
      { slot: string }[]
    >`select payload->>'slot' as slot from jobs where kind = ${AUTOMATION_RUN_JOB} and payload->>'automation_id' = ${id} order by id`
  ).map((r) => r.slot);

describeStores("automation worker", (getDb) => {
  const deps = () => ({ db: () => getDb().db, wake: null, maxAttempts: 3 });

  test("each due slot enqueues one run, once: a repeated scan, a second instance and a restart enqueue nothing more", async () => {
    const db = getDb();
    const b = await seedAutomationBrand(db.db);
    const id = await addAutomation(db, b, { schedule: "*/15 * * * *" });
    expect(await scanAutomations(deps(), at(31))).toBe(1);
    expect(await scanAutomations(deps(), at(31))).toBe(0);
    // Another instance (or this one after a restart) scanning the same minutes: the recorded slot holds.
    const [again, other] = await Promise.all([
      scanAutomations(deps(), at(32)),
      scanAutomations({ ...deps(), owner: () => "other" }, at(32)),
    ]);
    expect(again + other).toBe(0);
    expect(await scanAutomations(deps(), at(44))).toBe(0);
    expect(await scanAutomations(deps(), at(45))).toBe(1);
    expect(await runSlots(db, id)).toEqual([at(30).toISOString(), at(45).toISOString()]);
    const recorded = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from schedule_runs where schedule = ${automationSchedule(id)}`;
    expect(recorded[0].n).toBe(2);
  });

  test("a minute the scheduler missed still runs at the next scan; slots before creation, disabled and unbuilt kinds never run", async () => {
    const db = getDb();
    const b = await seedAutomationBrand(db.db);
    const hourly = await addAutomation(db, b, { schedule: "0 * * * *" });
    const late = await addAutomation(db, b, { schedule: "*/5 * * * *", created: at(57.5) });
    const off = await addAutomation(db, b, { schedule: "* * * * *", enabled: false });
    const unbuilt = await addAutomation(db, b, { schedule: "* * * * *", kind: "crm_push" });
    // No scan at 11:00 itself (a leader change): the 11:03 scan still fires 11:00; `late` only from 11:00.
    await scanAutomations(deps(), at(63));
    expect(await runSlots(db, hourly)).toEqual([at(60).toISOString()]);
    expect(await runSlots(db, late)).toEqual([at(60).toISOString()]);
    expect(await runSlots(db, off)).toEqual([]);
    expect(await runSlots(db, unbuilt)).toEqual([]);
    // A slot older than the look-back (10 minutes) is not run late: the next is.
    await scanAutomations(deps(), at(135));
    expect(await runSlots(db, hourly)).toEqual([at(60).toISOString()]);
    expect(await runSlots(db, late)).toEqual([at(60), at(130), at(135)].map((d) => d.toISOString()));
    await scanAutomations(deps(), at(180));
    expect(await runSlots(db, hourly)).toEqual([at(60).toISOString(), at(180).toISOString()]);
  });

  test("through the queue: the scheduler's scan job runs the automation at its slot, sets last_run_at and audits it", async () => {
    const db = getDb();
    const b = await seedAutomationBrand(db.db);
    const id = await addAutomation(db, b, { schedule: "30 10 * * *" });
    const wake = new Wake();
    const runner = startTestWorkers(db, wake, {}, [AUTOMATION_SCAN_JOB, AUTOMATION_RUN_JOB]);
    try {
      // What the scheduler's every-minute schedule enqueues at 10:30 (its payload names the slot: the clock).
      await fireSlot(
        { db: db.db, wake, maxAttempts: 3, owner: null },
        {
          name: "run due automations",
          cron: "* * * * *",
          job: () => ({ kind: AUTOMATION_SCAN_JOB, key: AUTOMATION_SCAN_JOB }),
        },
        at(30),
      );
      const deadline = Date.now() + 10_000;
      let row = (await db.db.select().from(schema.automations)).find((r) => r.id === id);
      while (!row?.last_run_at && Date.now() < deadline) {
        await Bun.sleep(50);
        row = (await db.db.select().from(schema.automations)).find((r) => r.id === id);
      }
      expect(row?.last_run_at?.toISOString()).toBe(at(30).toISOString());
      const audit = await db.sql<
        { action: string; actor: string; after: { at: string; sent: number; manual: boolean } }[]
      >`select action, actor, after from audit_log where subject_id = ${id}`;
      expect([...audit]).toEqual([
        {
          action: "automation.run",
          actor: "scheduler",
          after: expect.objectContaining({ at: at(30).toISOString(), sent: 0, manual: false }),
        },
      ]);
    } finally {
      await runner.stop(Date.now() + 2_000);
    }
  });

  test("run by hand: runs a disabled automation, refuses a removed one, and audits a config that no longer parses", async () => {
    const db = getDb();
    const b = await seedAutomationBrand(db.db);
    const off = await addAutomation(db, b, { schedule: "0 9 * * *", enabled: false });
    const broken = await addAutomation(db, b, { schedule: "0 9 * * *", config: { after_hours: "soon", text: "hi" } });
    const how = { manual: true, actor: "admin" };
    const d = { ...deps(), log: silentLogger };
    expect(await runAutomation(d, off, at(5), how)).toEqual({ ran: true, result: { sent: 0, outside_window: 0 } });
    expect(await runAutomation(d, off, at(6), { manual: false, actor: "scheduler" })).toEqual({
      ran: false,
      reason: "the automation is disabled",
    });
    expect(await runAutomation(d, "aut_gone", at(5), how)).toEqual({
      ran: false,
      reason: "the automation was removed",
    });
    const failed = await runAutomation(d, broken, at(5), how);
    expect(failed.ran).toBe(false);
    const rows = (await db.db.select().from(schema.automations)).filter((r) => r.id === off || r.id === broken);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.last_run_at?.toISOString() ?? null]))).toEqual({
      [off]: at(5).toISOString(),
      [broken]: null,
    });
    const audit = await db.sql<
      { action: string; error: string }[]
    >`select action, after->>'error' as error from audit_log where subject_id = ${broken}`;
    expect([...audit]).toEqual([{ action: "automation.failed", error: expect.stringContaining("config.after_hours") }]);
  });
});
