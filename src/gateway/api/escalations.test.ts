import { expect, test } from "bun:test";
import { describeStores } from "../../../test/support/db";
import { seedEscalation } from "../../../test/support/escalation-seed";
import { gatewayHandler } from "../../../test/support/gateway";

describeStores("escalation actions through the admin API", (getDb) => {
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await gatewayHandler(getDb())(
      new Request(`http://x${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const outbound = (conversationId: string) =>
    getDb()
      .sql`select body, status, metadata->>'author' as author from messages where conversation_id = ${conversationId} and direction = 'out'`;
  const deliverJobs = (conversationId: string) =>
    getDb().sql`select key from jobs where kind = 'deliver' and key = ${`conv:${conversationId}`}`;
  const audit = (id: string) => getDb().sql`select action, actor from audit_log where subject_id = ${id} order by id`;

  test("the queue lists open escalations oldest first with brand and channel; detail has transcript, draft and sources", async () => {
    const first = await seedEscalation(getDb().db);
    const list = await call("GET", "/api/v1/escalations", first.agent);
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([first.escalationId]);
    expect(list.body.data[0]).toMatchObject({
      reason: "needs_authorization",
      state: "open",
      provider: "whatsapp",
      contact_name: "Ana Customer",
    });
    const detail = await call("GET", `/api/v1/escalations/${first.escalationId}`, first.agent);
    expect(detail.body.transcript.map((m: { body: string }) => m.body)).toEqual([
      "Hi! I ordered shoes last week.",
      "They are too small, can I get a refund?",
    ]);
    expect(detail.body.draft).toContain("full refund");
    expect(detail.body.sources[0].source).toBe("returns.md");
    const all = await call("GET", "/api/v1/escalations?limit=1", first.admin);
    expect(all.body.data.length).toBe(1);
    expect(all.body.next_cursor).toBeString();
  });

  test("approve sends the draft once as a human reply through the delivery queue, audited; a second approve is 409", async () => {
    const s = await seedEscalation(getDb().db);
    const ok = await call("POST", `/api/v1/escalations/${s.escalationId}/approve`, s.agent);
    expect(ok.status).toBe(200);
    expect(ok.body.escalation).toMatchObject({ state: "resolved", resolution: "approved", conversation_status: "bot" });
    const again = await call("POST", `/api/v1/escalations/${s.escalationId}/approve`, s.agent);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("escalation.done");
    const out = await outbound(s.conversationId);
    expect(out.length).toBe(1);
    expect(out[0]).toMatchObject({ status: "queued", author: "human" });
    expect(out[0].body).toContain("full refund");
    expect((await deliverJobs(s.conversationId)).length).toBe(1);
    expect((await audit(s.escalationId)).map((r) => r.action)).toEqual(["escalation.approve"]);
  });

  test("two agents: the second sees the claim and cannot send; racing approvals send exactly one reply", async () => {
    const s = await seedEscalation(getDb().db);
    expect((await call("POST", `/api/v1/escalations/${s.escalationId}/claim`, s.agent)).status).toBe(200);
    const listed = await call("GET", "/api/v1/escalations", s.agent2);
    expect(listed.body.data.find((e: { id: string }) => e.id === s.escalationId).state).toBe("claimed");
    const stolen = await call("POST", `/api/v1/escalations/${s.escalationId}/reply`, s.agent2, { text: "me too" });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.code).toBe("escalation.claimed");

    const race = await seedEscalation(getDb().db);
    const answers = await Promise.all([
      call("POST", `/api/v1/escalations/${race.escalationId}/approve`, race.agent),
      call("POST", `/api/v1/escalations/${race.escalationId}/approve`, race.agent2),
      call("POST", `/api/v1/escalations/${race.escalationId}/reply`, race.agent2, { text: "hello" }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    expect((await outbound(race.conversationId)).length).toBe(1);
  });

  test("edit then send, write a reply, take over and hand back, close: each changes state as agents expect", async () => {
    const edit = await seedEscalation(getDb().db);
    const edited = await call("POST", `/api/v1/escalations/${edit.escalationId}/send`, edit.agent, {
      text: "Edited: a refund is on its way.",
    });
    expect(edited.body.escalation.resolution).toBe("edited");
    expect((await outbound(edit.conversationId))[0].body).toBe("Edited: a refund is on its way.");
    expect((await call("POST", `/api/v1/escalations/${edit.escalationId}/send`, edit.agent, { text: "" })).status).toBe(
      400,
    );

    const own = await seedEscalation(getDb().db, { draft: null });
    expect((await call("POST", `/api/v1/escalations/${own.escalationId}/approve`, own.agent)).body.error.code).toBe(
      "escalation.no_draft",
    );
    const blank = await call("POST", `/api/v1/escalations/${own.escalationId}/reply`, own.agent, {});
    expect(blank).toMatchObject({ status: 400, body: { error: { code: "api.invalid", field: "text" } } });
    expect(
      (await call("POST", `/api/v1/escalations/${own.escalationId}/take-over`, own.agent)).body.escalation,
    ).toMatchObject({ state: "claimed", conversation_status: "human" });
    // Taken over: replies go out and the conversation stays with the agent (claimed, bot paused).
    const replied = await call("POST", `/api/v1/escalations/${own.escalationId}/reply`, own.agent, {
      text: "Hi Ana, this is Alice.",
    });
    expect(replied.body.escalation).toMatchObject({ state: "claimed", conversation_status: "human" });
    await call("POST", `/api/v1/escalations/${own.escalationId}/reply`, own.agent, {
      text: "Your refund is on its way.",
    });
    expect((await outbound(own.conversationId)).map((m) => m.body)).toEqual([
      "Hi Ana, this is Alice.",
      "Your refund is on its way.",
    ]);
    expect(
      (await call("POST", `/api/v1/escalations/${own.escalationId}/reply`, own.agent2, { text: "hi" })).body.error.code,
    ).toBe("escalation.claimed");
    const [conv] = await getDb()
      .sql`select status, assigned_agent_id from conversations where id = ${own.conversationId}`;
    expect(conv.assigned_agent_id).not.toBeNull();

    const back = await seedEscalation(getDb().db);
    await call("POST", `/api/v1/escalations/${back.escalationId}/take-over`, back.agent);
    // The draft can be approved once while taken over; a second approve sends nothing.
    expect(
      (await call("POST", `/api/v1/escalations/${back.escalationId}/approve`, back.agent)).body.escalation,
    ).toMatchObject({ state: "claimed", draft: null });
    expect((await call("POST", `/api/v1/escalations/${back.escalationId}/approve`, back.agent)).body.error.code).toBe(
      "escalation.no_draft",
    );
    expect((await outbound(back.conversationId)).length).toBe(1);
    const handed = await call("POST", `/api/v1/escalations/${back.escalationId}/hand-back`, back.agent);
    expect(handed.body.escalation).toMatchObject({
      state: "resolved",
      resolution: "handed_back",
      conversation_status: "bot",
    });
    expect((await audit(back.escalationId)).map((r) => r.action)).toEqual([
      "escalation.take_over",
      "escalation.approve",
      "escalation.hand_back",
    ]);

    const closing = await seedEscalation(getDb().db);
    const closed = await call("POST", `/api/v1/escalations/${closing.escalationId}/close`, closing.agent2);
    expect(closed.body.escalation).toMatchObject({ state: "closed", conversation_status: "bot" });
    expect((await outbound(closing.conversationId)).length).toBe(0);
    expect(
      (await call("GET", `/api/v1/escalations?state=closed`, closing.agent2)).body.data.map(
        (e: { id: string }) => e.id,
      ),
    ).toEqual([closing.escalationId]);
  });

  test("closing a taken-over escalation gives the conversation back to the bot: nothing else could hand it back", async () => {
    const s = await seedEscalation(getDb().db);
    await call("POST", `/api/v1/escalations/${s.escalationId}/take-over`, s.agent);
    const closed = await call("POST", `/api/v1/escalations/${s.escalationId}/close`, s.agent);
    expect(closed.body.escalation).toMatchObject({ state: "closed", resolution: "closed", conversation_status: "bot" });
    const [conv] = await getDb()
      .sql`select status, assigned_agent_id from conversations where id = ${s.conversationId}`;
    expect(conv).toEqual({ status: "bot", assigned_agent_id: null });
    const [entry] = await getDb()
      .sql`select after from audit_log where subject_id = ${s.escalationId} and action = 'escalation.close'`;
    expect(entry.after.conversation_status).toBe("bot");
  });
});
