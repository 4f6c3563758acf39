// Scale-out suite (issue 17): two `xin serve` of the compiled binary on one external PostgreSQL behind a
// round-robin balancer, instances SIGKILLed and restarted mid-load. Goal: no acknowledged message lost,
// no reply sent twice on WhatsApp (Telegram: only in-doubt resends, each counted), every customer's
// messages stored and answered in the order sent, every slot of the purge schedule run once across both.
// Short profile by default (a leader kill and two more, under 90 s); RELIABILITY_PROFILE=long for the
// recorded figures (RELIABILITY.md). Needs dist/xin (`bun scripts/build.ts --no-smoke`; built when missing).
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { startExternalPostgres, type ExternalPostgres } from "../support/external-postgres";
import { startMetaGraphFake, startTelegramFake } from "../support/fakes";
import { TG, WA } from "../support/gateway";
import { XinUnderTest } from "./instance";
import { scaleOutRun, type ScaleOutProfile, type ScaleOutResult } from "./scale-out-run";
import { addWidget, openVisitor, postVisitorMessage, syncVisitor } from "./scale-out-widget";

const LONG = process.env.RELIABILITY_PROFILE === "long";
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PROFILE: ScaleOutProfile = {
  customers: env("RELIABILITY_CUSTOMERS", LONG ? 400 : 80),
  customersPerSecond: env("RELIABILITY_RATE", LONG ? 5 : 5),
  kills: env("RELIABILITY_KILLS", LONG ? 12 : 3),
  leaderDownMs: 8_000, // past the 5 s in which the other instance asks for the lead
  strandedMs: env("RELIABILITY_STRANDED_MS", LONG ? 70_000 : 0), // past the 60 s lease
  seed: env("RELIABILITY_SEED", 23),
};

let external: ExternalPostgres | null = null;
afterAll(async () => {
  await external?.stop();
});

/** A fresh database on the suite's one external PostgreSQL 15 (started by the first test that needs it). */
const database = async (name: string): Promise<string> => {
  external ??= await startExternalPostgres();
  const admin = postgres(external.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return external.url.replace(/\/postgres$/, `/${name}`);
};

/** A customer's replies in the store, each seen at the fake once more than the store sent it at most. */
const extraSends = (sent: string[], stored: string[]): number | null => {
  let at = 0;
  for (const s of sent) if (at < stored.length && s === stored[at]) at += 1;
  return at === stored.length ? sent.length - stored.length : null; // null: a stored reply never arrived
};

const summary = (r: ScaleOutResult) => {
  const slots = r.slots.map((s) => Date.parse(s.slot));
  const gaps = slots.slice(1).map((t, i) => t - slots[i]);
  return {
    customers: r.customers.length,
    messages: r.messages,
    kills: r.kills,
    seconds: r.seconds,
    webhookRetries: r.webhookRetries,
    duplicateDeliveries: r.duplicateDeliveries,
    repliesWhatsapp: [...r.sends.whatsapp.values()].reduce((n, s) => n + s.length, 0),
    repliesTelegram: [...r.sends.telegram.values()].reduce((n, s) => n + s.length, 0),
    telegramDuplicated: r.customers
      .filter((c) => c.provider === "telegram")
      .reduce((n, c) => n + (extraSends(r.sends.telegram.get(c.id) ?? [], r.rows.get(c.id)?.replies ?? []) ?? 0), 0),
    killsInCall: r.kills.filter((k) => k.inCall).length,
    inDoubt: r.inDoubt,
    slots: r.slots.length,
    slotsBy: Object.entries(Object.groupBy(r.slots, (s) => s.fired_by ?? "none")).map(
      ([k, v]) => `${k.slice(-6)}:${v?.length}`,
    ),
    longestSlotGapMs: Math.max(0, ...gaps),
    refusedInLogs: r.refusedInLogs,
    pendingWithAgent: [...r.rows.values()].reduce((n, c) => n + c.withAgent, 0),
    unanswered: r.unanswered,
  };
};

test(
  `scale-out (${LONG ? "long" : "short"} profile): two instances on one PostgreSQL, killed mid-load — nothing lost, nothing twice, order kept, each slot once`,
  async () => {
    const r = await scaleOutRun(PROFILE, await database("xin_scale"));
    console.log(`scale-out ${LONG ? "long" : "short"} ${JSON.stringify(summary(r))}`);

    expect(r.kills.length).toBe(PROFILE.kills);
    expect(r.kills[0].leader).toBe(true);
    let telegramExtra = 0;
    for (const c of r.customers) {
      const rows = r.rows.get(c.id);
      const sent = r.sends[c.provider].get(c.id) ?? [];
      // Stored once each, in the order sent; none left pending; answered in that order.
      expect({ id: c.id, inbound: rows?.inbound }).toEqual({ id: c.id, inbound: c.texts });
      expect({ id: c.id, pending: rows?.pending }).toEqual({ id: c.id, pending: 0 });
      const answered = (rows?.answeredAt ?? []).filter((a) => a >= 0);
      expect({ id: c.id, answeredAt: answered }).toEqual({ id: c.id, answeredAt: answered.toSorted((a, b) => a - b) });
      // Every customer got a reply; what the store sent reached the customer, in the store's order.
      expect({ id: c.id, replied: sent.length > 0 }).toEqual({ id: c.id, replied: true });
      if (c.provider === "whatsapp") expect({ id: c.id, sent }).toEqual({ id: c.id, sent: rows?.replies ?? [] });
      else {
        const extra = extraSends(sent, rows?.replies ?? []);
        expect({ id: c.id, extra: extra !== null }).toEqual({ id: c.id, extra: true });
        telegramExtra += extra ?? 0;
      }
    }
    // Telegram offers no correlation: a kill between its send and the sent mark resends, each one counted.
    expect(telegramExtra).toBeLessThanOrEqual(r.inDoubt.telegram.resend ?? 0);

    // Each purge slot: logged as fired by one process of either instance at most (a kill may fall between
    // the commit and the log line), recorded once, its one job done.
    expect(r.firedInLogs.length).toBe(new Set(r.firedInLogs).size);
    const recorded = new Set(r.slots.map((s) => s.slot));
    expect(r.firedInLogs.filter((s) => !recorded.has(s))).toEqual([]);
    for (const s of r.slots)
      expect({ slot: s.slot, jobs: s.jobs, done: s.done }).toEqual({ slot: s.slot, jobs: 1, done: 1 });
    expect(r.unrecordedJobs).toBe(0);
    // The leader's kill moved the lead: both instances fired slots (under their own owner ids, though the
    // second's data dir began as a copy of the first's), and the schedule kept running.
    expect(new Set(r.slots.map((s) => s.fired_by)).size).toBe(2);
    expect(r.slots.length).toBeGreaterThanOrEqual(Math.floor((r.seconds - 30) / 4));
  },
  LONG || process.env.RELIABILITY_CUSTOMERS ? 1_200_000 : 180_000,
);

test("a file uploaded through a gateway-only instance is ingested by the other's job, and both search it", async () => {
  const meta = startMetaGraphFake({ accessToken: WA.access_token });
  const telegram = startTelegramFake({ token: TG.bot_token });
  const worker = await XinUnderTest.create(
    { meta: meta.baseUrl, telegram: telegram.url },
    await database("xin_scale_ingest"),
  );
  const gateway = await worker.twin();
  gateway.env = { XIN_QUEUE__RUN_JOBS: "false" }; // acknowledges and persists; the worker instance runs every job
  try {
    await worker.start();
    await gateway.start();
    const token = /^XIN_ADMIN_TOKEN=(.+)$/m.exec(readFileSync(join(gateway.config, "../xin.env"), "utf8"))?.[1];
    const api = (x: XinUnderTest, path: string, init: RequestInit = {}) =>
      fetch(`${x.url}/api/v1${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const text = "# Kites\n\nOur kites are sewn from ripstop nylon and fly in winds from 8 to 30 km/h.\n";
    const queued = await api(gateway, "/brands/shop/ingest", {
      method: "POST",
      body: JSON.stringify({ files: [{ name: "kites.md", text }] }),
    });
    expect(queued.status).toBe(202);
    let job: Record<string, unknown> = {};
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await Bun.sleep(200)) {
      job = (await api(gateway, `/jobs/${queued.body.job_id}`)).body;
      if (job.state === "done" || job.state === "dead") break;
    }
    // Before uploads travelled through the store, the worker's job reported the file gone from its blob store.
    expect(job).toMatchObject({ state: "done", progress: { summary: { added: ["kites.md"], failed: [] } } });
    for (const x of [worker, gateway]) {
      const found = await api(x, `/brands/shop/search?q=${encodeURIComponent("ripstop nylon kites")}`);
      expect(JSON.stringify(found.body)).toContain("ripstop nylon");
    }
  } finally {
    await gateway.stop();
    await worker.stop();
    await meta.stop();
    await telegram.stop();
  }
}, 120_000);

test("a widget visitor's socket on one instance gets the replies to messages posted through the other, once each", async () => {
  const meta = startMetaGraphFake({ accessToken: WA.access_token });
  const telegram = startTelegramFake({ token: TG.bot_token });
  const first = await XinUnderTest.create(
    { meta: meta.baseUrl, telegram: telegram.url },
    await database("xin_scale_widget"),
  );
  const second = await first.twin();
  try {
    const brand = await addWidget(first);
    await first.start();
    await second.start();
    const visitor = await openVisitor(second, brand);
    const questions = ["Is shipping free?", "What payment methods do you accept?"];
    for (const [i, q] of questions.entries()) {
      expect(await postVisitorMessage(first, brand, visitor.token, `scale-widget-${i}`, q)).toBe(200);
      for (const deadline = Date.now() + 30_000; visitor.replies().length <= i && Date.now() < deadline;)
        await Bun.sleep(50);
    }
    await Bun.sleep(1_000); // time for a second copy of a reply to arrive, if one were sent
    const replies = visitor.replies();
    expect(replies.length).toBe(questions.length);
    expect(new Set(replies.map((r) => r.id)).size).toBe(replies.length);
    // The history either instance serves: each question, then its reply, in the order sent.
    for (const x of [first, second]) {
      const history = (await syncVisitor(x, brand, visitor.token)).map((m) => (m.role === "visitor" ? m.text : m.id));
      expect(history).toEqual([questions[0], replies[0].id, questions[1], replies[1].id]);
    }
    visitor.close();
  } finally {
    await second.stop();
    await first.stop();
    await meta.stop();
    await telegram.stop();
  }
}, 120_000);
