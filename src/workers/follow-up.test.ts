import { expect, test } from "bun:test";
import { seedAutomationBrand, seedThread, type AutomationBrand } from "../../test/support/automation-seed";
import { describeStores, type TestDb } from "../../test/support/db";
import { newId, silentLogger } from "../runtime";
import { schema } from "../runtime/db";
import { runAutomation, scanAutomations } from ".";

// An hour ago, on the hour: replies the automation writes carry the store's clock (now), so the
// customer's later messages (T0 + 7 h) come after them, as they would in real time.
const T0 = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const TEXT = "Did that answer your question?";

const followUp = async (db: TestDb, b: AutomationBrand, afterHours = 4) => {
  const id = newId("aut");
  await db.db.insert(schema.automations).values({
    id,
    tenant_id: b.tenantId,
    brand_id: b.brandId,
    kind: "follow_up",
    schedule: "0 * * * *",
    config: { after_hours: afterHours, text: TEXT },
    created_at: hours(-48),
  });
  return id;
};

/** The follow-ups written in a conversation, with their deliver jobs. */
const followUps = async (db: TestDb, conversationId: string) =>
  db.sql<{ id: string; body: string; follows: string; status: string; jobs: number }[]>`
    select m.id, m.body, m.metadata->>'follow_up_of' as follows, m.status,
           (select count(*)::int from jobs j where j.kind = 'deliver' and j.payload->>'message_id' = m.id) as jobs
    from messages m where m.conversation_id = ${conversationId} and m.metadata ? 'follow_up_of' order by m.created_at`;

describeStores("follow_up automation", (getDb) => {
  const run = (id: string, now: Date) =>
    runAutomation({ db: () => getDb().db, wake: null, maxAttempts: 3, log: silentLogger }, id, now, {
      manual: false,
      actor: "scheduler",
    });

  test("sends once after N hours of silence, inside the window, through deliver jobs; not early, not twice, again after the next answer", async () => {
    const db = getDb();
    const b = await seedAutomationBrand(db.db);
    const id = await followUp(db, b);
    const conv = await seedThread(db.db, b, "whatsapp", [
      { from: "customer", at: hours(0) },
      { from: "ai", at: hours(0.01) },
    ]);
    expect(await run(id, hours(3.9))).toEqual({ ran: true, result: { sent: 0, outside_window: 0 } });
    expect(await run(id, hours(4.1))).toEqual({ ran: true, result: { sent: 1, outside_window: 0 } });
    const [sent] = await followUps(db, conv);
    expect(sent).toMatchObject({ body: TEXT, status: "queued", jobs: 1 });
    // The next runs (the hourly slot, a run-now) find the follow-up itself last: nothing more.
    expect(await run(id, hours(5.1))).toEqual({ ran: true, result: { sent: 0, outside_window: 0 } });
    expect(await run(id, hours(6.1))).toEqual({ ran: true, result: { sent: 0, outside_window: 0 } });
    expect(await followUps(db, conv)).toHaveLength(1);
    // The customer writes again and the assistant answers: that answer may be followed up once too.
    const later = await db.db
      .insert(schema.messages)
      .values([
        {
          id: newId("msg"),
          tenant_id: b.tenantId,
          conversation_id: conv,
          channel_id: b.channels.whatsapp,
          direction: "in",
          body: "and to Lisbon?",
          status: "received",
          created_at: hours(7),
        },
        {
          id: newId("msg"),
          tenant_id: b.tenantId,
          conversation_id: conv,
          channel_id: b.channels.whatsapp,
          direction: "out",
          body: "Yes.",
          metadata: { author: "ai" },
          status: "sent",
          created_at: hours(7.01),
        },
      ])
      .returning();
    await db.sql`update conversations set last_customer_message_at = ${hours(7).toISOString()}::timestamptz where id = ${conv}`;
    expect((await run(id, hours(11.1))).ran).toBe(true);
    const both = await followUps(db, conv);
    expect(both.map((f) => f.follows)).toEqual([expect.any(String), later[1].id]);
  });

  test("never outside the window, never while a human holds or the chat is closed, never after a human's or holding message; windowless channels any time", async () => {
    const db = getDb();
    const b = await seedAutomationBrand(db.db);
    const id = await followUp(db, b, 20);
    const thread = [
      { from: "customer" as const, at: hours(0) },
      { from: "ai" as const, at: hours(0.5) },
    ];
    // WhatsApp: the 24 h window opened at the customer's message closes at hour 24.
    const closing = await seedThread(db.db, b, "whatsapp", thread);
    const human = await seedThread(db.db, b, "whatsapp", thread, "human");
    const closed = await seedThread(db.db, b, "whatsapp", thread, "closed");
    const agentWrote = await seedThread(db.db, b, "whatsapp", [
      { from: "customer", at: hours(0) },
      { from: "human", at: hours(0.5) },
    ]);
    const holding = await seedThread(db.db, b, "whatsapp", [
      { from: "customer", at: hours(0) },
      { from: "ai", at: hours(0.5), metadata: { holding: true } },
    ]);
    const failed = await seedThread(db.db, b, "whatsapp", [
      { from: "customer", at: hours(0) },
      { from: "ai", at: hours(0.5), status: "failed" },
    ]);
    const telegram = await seedThread(db.db, b, "telegram", [
      { from: "customer", at: hours(-100) },
      { from: "ai", at: hours(-99) },
    ]);
    // Hour 24.6: past 20 h of silence, the WhatsApp window closed; Telegram has none.
    expect(await run(id, hours(24.6))).toEqual({ ran: true, result: { sent: 1, outside_window: 1 } });
    expect(await followUps(db, closing)).toHaveLength(0);
    expect(await followUps(db, telegram)).toHaveLength(1);
    for (const c of [human, closed, agentWrote, holding, failed]) expect(await followUps(db, c)).toHaveLength(0);
    const open = await seedThread(db.db, b, "whatsapp", thread);
    // Inside the window (hour 20.6) it does go out on WhatsApp: to the thread the closed window held back too.
    expect(await run(id, hours(20.6))).toEqual({ ran: true, result: { sent: 2, outside_window: 0 } });
    expect(await followUps(db, open)).toHaveLength(1);
    expect(await followUps(db, closing)).toHaveLength(1);
  });

  test("scheduled hourly across a restart: each slot runs once and the thread gets one follow-up", async () => {
    const db = getDb();
    const b = await seedAutomationBrand(db.db);
    const id = await followUp(db, b, 2);
    const conv = await seedThread(db.db, b, "whatsapp", [
      { from: "customer", at: hours(0) },
      { from: "ai", at: hours(0.1) },
    ]);
    const deps = { db: () => db.db, wake: null, maxAttempts: 3 };
    // Two scans of the 13:00 slot (the second as a restarted instance would): one run job.
    expect(await scanAutomations(deps, hours(3))).toBeGreaterThanOrEqual(1);
    await scanAutomations(deps, hours(3));
    const jobs = await db.sql<
      { slot: string }[]
    >`select payload->>'slot' as slot from jobs where kind = 'automation.run' and payload->>'automation_id' = ${id}`;
    expect(jobs.map((j) => j.slot)).toEqual([hours(3).toISOString()]);
    // Each run job, run twice (a retry after a crash), sends one follow-up.
    for (const j of jobs) {
      await run(id, new Date(j.slot));
      await run(id, new Date(j.slot));
    }
    expect(await followUps(db, conv)).toHaveLength(1);
  });
});
