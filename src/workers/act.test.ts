import { afterAll, beforeAll, expect, test } from "bun:test";
import { describeStores } from "../../test/support/db";
import { startMetaGraphFake, type MetaGraphFake } from "../../test/support/fakes";
import { IG, INSTANCE_KEY, setupGateway, type GatewayFixture } from "../../test/support/gateway";
import { silentLogger } from "../runtime";
import type { JobContext } from "../runtime/queue";
import { sendRetryable } from "../channels";
import { channelActHandler } from "./act";
import { ProviderPauses } from "./provider-pause";

let meta: MetaGraphFake;
beforeAll(() => {
  meta = startMetaGraphFake({ accessToken: IG.access_token });
});
afterAll(() => meta.stop());

const ctx = { log: silentLogger, signal: new AbortController().signal } as unknown as JobContext;
const job = (payload: unknown) => ({
  id: 1,
  kind: "channel.act",
  key: null,
  tenant_id: null,
  payload,
  attempts: 1,
  max_attempts: 3,
});

describeStores("channel actions", (getDb) => {
  let gw: GatewayFixture;
  beforeAll(async () => {
    gw = await setupGateway(getDb(), { instagram: meta.baseUrl });
  });

  test("a conversation's actions run in order in one job; a job written with a single `action` still runs", async () => {
    meta.reset();
    const handler = channelActHandler({ db: () => getDb().db, instanceKey: INSTANCE_KEY });
    const target = { conversationId: "5290000000000001", providerMessageId: "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3" };
    await handler(
      job({
        channel_id: gw.channels.instagram.id,
        actions: [
          { kind: "mark_read", ...target },
          { kind: "typing", ...target },
        ],
      }),
      ctx,
    );
    await handler(job({ channel_id: gw.channels.instagram.id, action: { kind: "typing", ...target } }), ctx);
    const actions = meta.requests
      .filter((r) => r.method === "POST")
      .map((r) => (r.body as { sender_action?: string }).sender_action);
    expect(actions).toEqual(["mark_seen", "typing_on", "typing_on"]);
  });

  test("while the provider asked to wait, actions are skipped (best effort) and not sent; a 429 on one pauses the channel", async () => {
    meta.reset();
    const pauses = new ProviderPauses();
    const handler = channelActHandler({ db: () => getDb().db, instanceKey: INSTANCE_KEY, pauses });
    const target = { conversationId: "5290000000000002", providerMessageId: "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE4" };
    const channel_id = gw.channels.instagram.id;
    pauses.settle(channel_id, sendRetryable("rate limited", { reason: "rate_limited", retryAfterMs: 60_000 }));
    await handler(job({ channel_id, actions: [{ kind: "mark_read", ...target }] }), ctx);
    expect(meta.requests.length).toBe(0);

    const other = new ProviderPauses();
    const next = channelActHandler({ db: () => getDb().db, instanceKey: INSTANCE_KEY, pauses: other });
    meta.script({
      status: 429,
      body: {
        error: {
          message: "(#613) Calls to this api have exceeded the rate limit.",
          type: "OAuthException",
          code: 613,
          fbtrace_id: "x",
        },
      },
      headers: { "retry-after": "30" },
    });
    await expect(next(job({ channel_id, actions: [{ kind: "mark_read", ...target }] }), ctx)).rejects.toMatchObject({
      code: "channel.send_retryable",
    });
    expect(meta.requests.length).toBe(1);
    expect(other.admit(channel_id)).toBeGreaterThan(29_000);
  });
});
