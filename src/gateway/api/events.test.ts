import { expect, test } from "bun:test";
import { describeStores } from "../../../test/support/db";
import { seedEscalation } from "../../../test/support/escalation-seed";
import { gatewayApp, gatewayHandler } from "../../../test/support/gateway";

type Sse = { id: string; event: string; data: Record<string, unknown> };

/** Reads server-sent events until `done` says so (or the deadline), then closes the stream. */
const readEvents = async (res: Response, done: (events: Sse[]) => boolean, ms = 10_000): Promise<Sse[]> => {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Sse[] = [];
  let buffer = "";
  const deadline = Date.now() + ms;
  while (!done(events) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value);
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string) =>
        block
          .split("\n")
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const data = field("data");
      if (data) events.push({ id: field("id") ?? "", event: field("event") ?? "", data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
};

describeStores("server-sent events", (getDb) => {
  const open = (token: string, headers: Record<string, string> = {}, query = "") =>
    gatewayHandler(getDb())(
      new Request(`http://x/api/v1/events${query}`, { headers: { authorization: `Bearer ${token}`, ...headers } }),
    );

  test("an agent sees its tenant's escalations and messages live, never another tenant's; resume by Last-Event-ID", async () => {
    const a = await seedEscalation(getDb().db);
    const started = Date.now() - 1;
    const res = await open(a.agent, {}, `?since=${started}`);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const b = await seedEscalation(getDb().db);
    const second = await seedEscalation(getDb().db); // another tenant again: must stay invisible
    const seen = await readEvents(res, (ev) =>
      ev.some((e) => e.event === "escalation" && e.data.id === a.escalationId),
    );
    const ids = seen.map((e) => String(e.data.id));
    expect(ids).toContain(a.escalationId);
    expect(ids.some((id) => [b.escalationId, second.escalationId].includes(id))).toBe(false);
    expect(seen.filter((e) => e.event === "message").every((e) => e.data.conversation_id === a.conversationId)).toBe(
      true,
    );

    const resumeFrom = seen.find((e) => e.data.id === a.escalationId)!.id;
    const approve = await gatewayHandler(getDb())(
      new Request(`http://x/api/v1/escalations/${a.escalationId}/approve`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.agent}` },
      }),
    );
    expect(approve.status).toBe(200);
    const resumed = await readEvents(
      await open(a.agent, { "last-event-id": resumeFrom }),
      (ev) =>
        ev.some((e) => e.event === "escalation" && e.data.state === "resolved") &&
        ev.some((e) => e.event === "message" && e.data.direction === "out"),
    );
    expect(resumed.find((e) => e.event === "escalation" && e.data.state === "resolved")?.data.id).toBe(a.escalationId);
    expect(resumed.some((e) => e.event === "message" && e.data.direction === "out")).toBe(true);
  });

  test("a conversation closed (as close_idle closes it) is a conversation.closed event of its tenant only", async () => {
    const a = await seedEscalation(getDb().db);
    const b = await seedEscalation(getDb().db);
    const res = await open(a.agent);
    // What the close_idle automation writes: the status and updated_at, then a NOTIFY on the feed's channel.
    const close = (conversationId: string) =>
      getDb().sql`update conversations set status = 'closed', updated_at = now() where id = ${conversationId}`.then(
        () => getDb().sql`select pg_notify('xin_events', '')`,
      );
    setTimeout(() => void close(b.conversationId).then(() => close(a.conversationId)), 300);
    const events = await readEvents(res, (ev) => ev.some((e) => e.event === "conversation.closed"));
    const closed = events.filter((e) => e.event === "conversation.closed");
    expect(closed.map((e) => e.data)).toEqual([
      { id: a.conversationId, brand_id: a.brandId, channel_id: a.channelId, contact_id: a.contactId, status: "closed" },
    ]);
  });

  test("ingestion progress streams as it changes", async () => {
    const a = await seedEscalation(getDb().db);
    const [job] = await getDb()
      .sql`insert into jobs (kind, tenant_id, max_attempts, state, progress) values ('ingest', ${a.tenantId}, 1, 'running', ${JSON.stringify({ done: 1, total: 4 })}::jsonb) returning id`;
    const res = await open(a.agent);
    // postgres.js runs a query only when awaited (or then-ed).
    setTimeout(
      () =>
        getDb()
          .sql`update jobs set progress = ${JSON.stringify({ done: 4, total: 4 })}::jsonb, state = 'done', finished_at = now() where id = ${job.id}`.then(
          () => {},
        ),
      300,
    );
    const events = await readEvents(res, (ev) => ev.some((e) => e.event === "ingestion" && e.data.state === "done"));
    const progress = events
      .filter((e) => e.event === "ingestion" && e.data.id === Number(job.id))
      .map((e) => (e.data.progress as { done: number }).done);
    expect(progress).toEqual([1, 4]);
  });

  test("stopping the gateway ends open streams instead of waiting out the drain deadline", async () => {
    const a = await seedEscalation(getDb().db);
    const app = gatewayApp(getDb());
    const res = await app.fetch(
      new Request("http://x/api/v1/events", { headers: { authorization: `Bearer ${a.agent}` } }),
    );
    const reader = res.body!.getReader();
    await reader.read(); // connected
    app.closeStreams();
    const ended = await Promise.race([
      (async () => {
        while (!(await reader.read()).done);
        return true;
      })(),
      Bun.sleep(5000).then(() => false),
    ]);
    expect(ended).toBe(true);
  });

  test("another tenant's stream is refused; no token is 401", async () => {
    const a = await seedEscalation(getDb().db);
    const b = await seedEscalation(getDb().db);
    expect((await open(a.agent, {}, `?tenant=${b.tenantId}`)).status).toBe(403);
    expect((await gatewayHandler(getDb())(new Request("http://x/api/v1/events"))).status).toBe(401);
  });
});
