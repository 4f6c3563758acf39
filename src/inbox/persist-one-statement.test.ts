// Every entrance runs the one inbound statement (`writeInbound`): alone (the gateway's batches without
// events) or inside a transaction (`acceptParsed`: batches with events, the Telegram poller, the widget).
// Both must store the same, jobs included: every inbound fixture, a burst, a provider's retry and a
// conversation with a human go through both, each on its own database, and the normalised rows are
// compared; the burst's jobs are checked for what they must be.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { getChannel, type ParseResult } from "../channels";
import { createTestDb, describeStores, type TestDb } from "../../test/support/db";
import { fixtureBytes, listFixtures, type Provider } from "../../test/support/fixtures";
import { IG, setupGateway, TG, WA, type GatewayFixture } from "../../test/support/gateway";
import { transaction } from "../runtime/db";
import { Wake } from "../runtime/queue";
import { acceptParsed } from "./accept";
import { acceptInOneStatement } from "./persist-one-statement";

const SECRETS: Record<Provider, Record<string, string>> = { whatsapp: WA, instagram: IG, telegram: TG };
const PROVIDERS: Provider[] = ["whatsapp", "instagram", "telegram"];

type Side = { db: TestDb; gw: GatewayFixture };

/** Rows with every generated id replaced by what identifies it across databases. */
const normalised = async ({ db, gw }: Side) => {
  const channelName = new Map(PROVIDERS.map((p) => [gw.channels[p].id, p]));
  const contacts =
    await db.sql`select id, external_id, display_name, profile from contacts order by channel_id, external_id`;
  const conversations =
    await db.sql`select c.id, k.external_id, c.status, c.last_customer_message_at from conversations c join contacts k on k.id = c.contact_id`;
  const customerOf = new Map(conversations.map((c) => [c.id as string, c.external_id as string]));
  const messages =
    await db.sql`select id, channel_id, conversation_id, direction, kind, body, attachments, metadata, provider_message_id, status, awaits_turn from messages order by channel_id, provider_message_id`;
  const messageOf = new Map(messages.map((m) => [m.id as string, m.provider_message_id as string]));
  const jobs = await db.sql`select kind, key, payload, state from jobs order by id`;
  const swap = (v: unknown): unknown =>
    typeof v === "string"
      ? (channelName.get(v) ??
        (customerOf.has(v)
          ? `conv(${customerOf.get(v)})`
          : messageOf.has(v)
            ? `msg(${messageOf.get(v)})`
            : v.startsWith("conv:")
              ? `conv:(${customerOf.get(v.slice(5))})`
              : v))
      : Array.isArray(v)
        ? v.map(swap)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]))
          : v;
  return swap({
    contacts: contacts.map(({ id: _, ...c }) => c),
    conversations: conversations
      .map(({ id: _, ...c }) => c)
      .sort((a, b) => String(a.external_id).localeCompare(String(b.external_id))),
    messages: messages.map(({ id: _, ...m }) => m),
    // Per kind, in order: the two paths may interleave kinds differently within one batch.
    jobs: [...jobs].sort((a, b) => String(a.kind).localeCompare(String(b.kind))),
  });
};

const parse = (provider: Provider, side: Side, body: Uint8Array): ParseResult => {
  const adapter = getChannel(provider);
  return adapter.parse(body, {
    channelId: side.gw.channels[provider].id,
    credentials: adapter.credentials.parse(SECRETS[provider]),
  });
};

const ref = (side: Side, provider: Provider) => ({
  ...side.gw.channels[provider],
  tenant_id: side.gw.tenantId,
  brand_id: side.gw.brandId,
});

describeStores("one-statement webhook write", (getDb) => {
  let a: Side; // transactional path
  let b: Side; // one statement
  let other: TestDb & { dispose(): Promise<void> };
  beforeAll(async () => {
    other = await createTestDb(getDb().kind);
    a = { db: getDb(), gw: await setupGateway(getDb()) };
    b = { db: other, gw: await setupGateway(other) };
  });
  afterAll(() => other.dispose());

  const both = async (provider: Provider, body: Uint8Array) => {
    const pa = parse(provider, a, body);
    const outA = await transaction(a.db.db, (tx) => acceptParsed(tx, new Wake(), 5, ref(a, provider), pa));
    // One parse for both: some payloads (Telegram callback queries) carry no time and get the parse's.
    const outB = await acceptInOneStatement(b.db.db, null, 5, ref(b, provider), pa);
    expect({
      inserted: outB.inserted,
      duplicates: outB.duplicates,
      statuses: outB.statuses_applied,
      jobs: outB.jobs,
    }).toEqual({
      inserted: outA.inserted,
      duplicates: outA.duplicates,
      statuses: outA.statuses_applied,
      jobs: outA.jobs,
    });
    return pa;
  };

  test("every inbound fixture, then its retry, stores the same rows and jobs on both paths", async () => {
    let events = 0;
    for (const provider of PROVIDERS) {
      for (const file of listFixtures(provider, "inbound").filter((f) => !f.includes("get_updates"))) {
        const body = fixtureBytes(provider, `inbound/${file}`);
        if (parse(provider, a, body).events.length) {
          events++; // blocks and deletions take the transactional path only
          continue;
        }
        await both(provider, body);
        await both(provider, body); // the provider's retry: nothing new on either side
      }
    }
    expect(await normalised(b)).toEqual(await normalised(a));
    expect((await a.db.sql`select count(*)::int as n from jobs where kind = 'respond'`)[0].n).toBeGreaterThan(0);
    expect(events).toBeLessThan(5);
  });

  test("a burst with an echo and a duplicate, and a conversation that is with a human, give the same jobs", async () => {
    const template = JSON.parse(new TextDecoder().decode(fixtureBytes("whatsapp", "inbound/text.json")));
    const value = template.entry[0].changes[0].value;
    const base = value.messages[0];
    const post = (messages: unknown[]) => {
      value.messages = messages;
      return new TextEncoder().encode(JSON.stringify(template));
    };
    const first = post(
      [1, 2, 3].map((n) => ({
        ...base,
        from: "4917000009999",
        id: `wamid.eq.${n}`,
        timestamp: String(1_790_000_000 + n),
        text: { body: `part ${n}` },
      })),
    );
    const before = await Promise.all(
      [a, b].map(async (side) => (await side.db.sql`select coalesce(max(id), 0)::int as n from jobs`)[0].n as number),
    );
    const parsed = await both("whatsapp", first);
    expect(parsed.messages.length).toBe(3);
    // The bot answers: its respond job carries the typing call (which marks read on WhatsApp) for the
    // newest part, and no channel.act job is written.
    for (const [i, side] of [a, b].entries()) {
      const jobs = await side.db.sql<
        { kind: string; payload: { channel_id?: string; actions?: { kind: string; providerMessageId: string }[] } }[]
      >`select kind, payload from jobs where id > ${before[i]} order by id`;
      expect(jobs.map((j) => j.kind)).toEqual(["respond"]);
      expect(jobs[0].payload.channel_id).toBe(side.gw.channels.whatsapp.id);
      expect(jobs[0].payload.actions?.map((x) => [x.kind, x.providerMessageId])).toEqual([["typing", "wamid.eq.3"]]);
    }
    // Half new, half already stored.
    await both(
      "whatsapp",
      post(
        [3, 4].map((n) => ({
          ...base,
          from: "4917000009999",
          id: `wamid.eq.${n}`,
          timestamp: String(1_790_000_000 + n),
          text: { body: `part ${n}` },
        })),
      ),
    );
    for (const side of [a, b]) await side.db.sql`update conversations set status = 'human'`;
    await both(
      "whatsapp",
      post([{ ...base, from: "4917000009999", id: "wamid.eq.5", text: { body: "still there?" } }]),
    );
    const normA = (await normalised(a)) as { jobs: { kind: string; payload: { actions?: { kind: string }[] } }[] };
    expect(await normalised(b)).toEqual(normA);
    // With a human, a read receipt and no respond job (and no typing).
    const lastAct = normA.jobs.filter((j) => j.kind === "channel.act").at(-1);
    expect(lastAct?.payload.actions?.map((x) => x.kind)).toEqual(["mark_read"]);
  });
});

describeStores("one-statement webhook write with hand-off", (getDb) => {
  let side: Side;
  beforeAll(async () => {
    side = { db: getDb(), gw: await setupGateway(getDb()) };
  });

  /** A runner with `free` slots that records what it was given. */
  const taker = (free: number) => {
    const adopted: { kind: string; key: string | null; lease_token: string }[] = [];
    let reserved = 0;
    const t = {
      workerId: "wrk_test",
      leaseMs: 60_000,
      tryReserve: () => (reserved < free ? (reserved += 1) > 0 : false),
      unreserve: () => void (reserved -= 1),
      adopt: (job: { kind: string; key: string | null; lease_token: string }) =>
        void (adopted.push(job), (reserved -= 1)),
    };
    const wake = new Wake();
    wake.attach(t);
    return { wake, adopted, reserved: () => reserved };
  };
  const texts = (from: string[], id: string) => {
    const template = JSON.parse(new TextDecoder().decode(fixtureBytes("whatsapp", "inbound/text.json")));
    const value = template.entry[0].changes[0].value;
    value.messages = from.map((f, n) => ({
      ...value.messages[0],
      from: f,
      id: `${id}.${n}`,
      text: { body: "When do you open?" },
    }));
    return parse("whatsapp", side, new TextEncoder().encode(JSON.stringify(template)));
  };

  test("jobs are written running under the runner's lease up to its free slots, the rest queued; every slot comes back", async () => {
    const t = taker(2);
    const out = await acceptInOneStatement(
      side.db.db,
      t.wake,
      5,
      ref(side, "whatsapp"),
      texts(["4917000001001", "4917000001002", "4917000001003"], "wamid.ho.a"),
    );
    expect(out.jobs).toBe(3);
    expect(t.adopted.map((j) => j.kind)).toEqual(["respond", "respond"]);
    expect(t.reserved()).toBe(0);
    const rows = await side.db
      .sql`select state, locked_by, lease_token from jobs where payload->>'conversation_id' in (select v.id from conversations v join contacts k on k.id = v.contact_id where k.external_id like '491700000100%') order by id`;
    expect(rows.map((r) => r.state)).toEqual(["running", "running", "queued"]);
    expect(rows.filter((r) => r.state === "running").map((r) => r.locked_by)).toEqual(["wrk_test", "wrk_test"]);
    expect(
      rows
        .filter((r) => r.state === "running")
        .map((r) => r.lease_token)
        .sort(),
    ).toEqual(t.adopted.map((j) => j.lease_token).sort());
  });

  test("a conversation with an open job gets its next job queued behind it, not started", async () => {
    const t = taker(5);
    // 4917000001001's respond job from the test above is still running.
    await acceptInOneStatement(
      side.db.db,
      t.wake,
      5,
      ref(side, "whatsapp"),
      texts(["4917000001001", "4917000001004"], "wamid.ho.b"),
    );
    const states = await side.db
      .sql`select k.external_id, j.state from jobs j join conversations v on 'conv:' || v.id = j.key
      join contacts k on k.id = v.contact_id where k.external_id in ('4917000001001', '4917000001004') order by j.id`;
    expect(states.map((r) => [r.external_id, r.state])).toEqual([
      ["4917000001001", "running"], // from the test above
      ["4917000001001", "queued"],
      ["4917000001004", "running"],
    ]);
    expect(t.adopted).toHaveLength(1);
    expect(t.reserved()).toBe(0);
  });

  test("a Telegram button press: its acknowledgement is a job of its own and takes a kept slot before the answer; a retry adds none", async () => {
    const body = fixtureBytes("telegram", "inbound/callback_query.json");
    const press = parse("telegram", side, body);
    const t = taker(1);
    const out = await acceptInOneStatement(side.db.db, t.wake, 5, ref(side, "telegram"), press);
    expect(out.jobs).toBe(2);
    expect(t.adopted.map((j) => j.kind)).toEqual(["channel.act"]);
    expect(t.reserved()).toBe(0);
    const jobs = await side.db
      .sql`select kind, state, payload from jobs where payload->>'channel_id' = ${side.gw.channels.telegram.id} or key in (select 'conv:' || id from conversations where channel_id = ${side.gw.channels.telegram.id}) order by id`;
    expect(jobs.map((j) => [j.kind, j.state])).toEqual([
      ["respond", "queued"],
      ["channel.act", "running"],
    ]);
    expect(jobs[1].payload.actions).toEqual([
      { kind: "answer_callback", conversationId: "551000002", queryId: "2367000000000000101" },
    ]);
    const again = await acceptInOneStatement(
      side.db.db,
      taker(1).wake,
      5,
      ref(side, "telegram"),
      parse("telegram", side, body),
    );
    expect({ inserted: again.inserted, jobs: again.jobs }).toEqual({ inserted: 0, jobs: 0 });
  });

  test("a writer that starts the same conversation's job first: the batch is written again with its jobs queued", async () => {
    const t = taker(5);
    const from = "4917000001005";
    await acceptInOneStatement(side.db.db, null, 5, ref(side, "whatsapp"), texts([from], "wamid.ho.c"));
    const [conv] = await side.db
      .sql`select v.id from conversations v join contacts k on k.id = v.contact_id where k.external_id = ${from}`;
    await side.db.sql`update jobs set state = 'done' where key = ${`conv:${conv.id}`}`;
    // Another writer has started a job of this conversation and not committed yet: our statement's check
    // cannot see it, our running row waits on its unique index entry, and conflicts once it commits.
    let commitOther!: () => void;
    const otherCommitted = new Promise<void>((r) => (commitOther = r));
    const other = side.db.sql.begin(async (tx) => {
      await tx`insert into jobs (kind, key, payload, state, attempts, max_attempts, lease_token, locked_by, locked_until)
        values ('respond', ${`conv:${conv.id}`}, '{}', 'running', 1, 5, 'other', 'wrk_other', now() + interval '1 minute')`;
      await otherCommitted;
    });
    await Bun.sleep(100);
    const ours = acceptInOneStatement(side.db.db, t.wake, 5, ref(side, "whatsapp"), texts([from], "wamid.ho.d"));
    await Bun.sleep(200);
    commitOther();
    await other;
    expect((await ours).inserted).toBe(1);
    expect(t.adopted).toHaveLength(0);
    expect(t.reserved()).toBe(0);
    const states = await side.db
      .sql`select state, locked_by from jobs where key = ${`conv:${conv.id}`} and state <> 'done' order by id`;
    expect(states.map((r) => [r.state, r.locked_by])).toEqual([
      ["running", "wrk_other"],
      ["queued", null],
    ]);
  });
});
