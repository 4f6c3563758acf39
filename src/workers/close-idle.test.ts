import { expect, test } from "bun:test";
import { seedAutomationBrand, seedThread } from "../../test/support/automation-seed";
import { describeStores } from "../../test/support/db";
import { newId, silentLogger } from "../runtime";
import { schema } from "../runtime/db";
import { runAutomation } from ".";

const T0 = new Date("2026-11-01T00:00:00Z");
const days = (d: number) => new Date(T0.getTime() + d * 86_400_000);

describeStores("close_idle automation", (getDb) => {
  test("closes conversations idle for N days, once, with an audit entry each; keeps recent ones and those an escalation still holds", async () => {
    const db = getDb();
    const b = await seedAutomationBrand(db.db);
    const id = newId("aut");
    await db.db.insert(schema.automations).values({
      id,
      tenant_id: b.tenantId,
      brand_id: b.brandId,
      kind: "close_idle",
      schedule: "0 3 * * *",
      config: { after_days: 7 },
      created_at: days(-30),
    });
    const idle = await seedThread(db.db, b, "whatsapp", [
      { from: "customer", at: days(0) },
      { from: "ai", at: days(0.1) },
    ]);
    const idleHeld = await seedThread(db.db, b, "telegram", [{ from: "customer", at: days(0) }], "human");
    const recent = await seedThread(db.db, b, "whatsapp", [
      { from: "customer", at: days(0) },
      { from: "ai", at: days(6) },
    ]);
    const escalated = await seedThread(db.db, b, "whatsapp", [{ from: "customer", at: days(0) }], "human");
    await db.db.insert(schema.escalations).values({
      id: newId("esc"),
      tenant_id: b.tenantId,
      conversation_id: escalated,
      reason: "needs_authorization",
      state: "open",
    });
    const deps = { db: () => db.db, wake: null, maxAttempts: 3 };
    const run = (now: Date) =>
      runAutomation({ ...deps, log: silentLogger }, id, now, { manual: false, actor: "scheduler" });

    // Just short of 7 days after the last messages nothing closes; past them the two idle threads do.
    expect(await run(days(6.99))).toEqual({ ran: true, result: { closed: 0 } });
    expect(await run(days(7.2))).toEqual({ ran: true, result: { closed: 2 } });
    expect(await run(days(9))).toEqual({ ran: true, result: { closed: 0 } });
    const status = Object.fromEntries((await db.db.select().from(schema.conversations)).map((c) => [c.id, c.status]));
    expect([status[idle], status[idleHeld], status[recent], status[escalated]]).toEqual([
      "closed",
      "closed",
      "bot",
      "human",
    ]);
    const audit = await db.sql<{ subject_id: string; actor: string; before: string; after: string }[]>`
      select subject_id, actor, before->>'status' as before, after->>'status' as after from audit_log where action = 'conversation.close' order by subject_id`;
    expect(audit.map((a) => ({ ...a }))).toEqual(
      [idle, idleHeld].sort().map((c) => ({
        subject_id: c,
        actor: `automation:${id}`,
        before: c === idle ? "bot" : "human",
        after: "closed",
      })),
    );
    // The day-13 check: the recent thread (last message day 6) is now idle too.
    expect(await run(days(13.5))).toEqual({ ran: true, result: { closed: 1 } });
  });
});
