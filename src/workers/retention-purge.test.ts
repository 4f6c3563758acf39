import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedAutomationBrand, seedThread } from "../../test/support/automation-seed";
import { describeStores } from "../../test/support/db";
import { BlobStore, newId, silentLogger } from "../runtime";
import { schema } from "../runtime/db";
import { createMetrics } from "../runtime/metrics";
import { runAutomation } from ".";

const NOW = new Date("2026-12-01T00:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describeStores("retention_purge automation", (getDb) => {
  test("deletes the tenant's messages older than N days in batches, their now unnamed files too; keeps newer ones, queued ones, other tenants' and shared files; counted in /metrics", async () => {
    const db = getDb();
    const a = await seedAutomationBrand(db.db);
    const other = await seedAutomationBrand(db.db);
    const blobs = new BlobStore(mkdtempSync(join(tmpdir(), "xin-purge-blobs-")));
    const onlyOld = blobs.put(new TextEncoder().encode("a photo only an old message has"));
    const shared = blobs.put(new TextEncoder().encode("a photo a recent message has too"));
    const withBlob = (sha: string) => [{ kind: "image", blob: { sha256: sha, size: 10 } }];

    const conv = await seedThread(db.db, a, "whatsapp", [{ from: "customer", at: daysAgo(40) }]);
    const otherConv = await seedThread(db.db, other, "whatsapp", [{ from: "customer", at: daysAgo(40) }]);
    // 2 400 old messages (three batches), one recent, one old but still queued for delivery.
    await db.sql`insert into messages (id, tenant_id, conversation_id, channel_id, direction, body, status, created_at)
      select 'msg_old_' || g, ${a.tenantId}, ${conv}, ${a.channels.whatsapp}, 'in', 'old ' || g, 'received', ${daysAgo(31).toISOString()}::timestamptz + g * interval '1 second'
      from generate_series(1, 2400) g`;
    const m = (values: Partial<typeof schema.messages.$inferInsert> & { created_at: Date }) => ({
      id: newId("msg"),
      tenant_id: a.tenantId,
      conversation_id: conv,
      channel_id: a.channels.whatsapp,
      direction: "in" as const,
      body: "x",
      status: "received" as const,
      ...values,
    });
    const [, , recent, queued] = await db.db
      .insert(schema.messages)
      .values([
        m({ created_at: daysAgo(35), attachments: withBlob(onlyOld.sha256) }),
        m({ created_at: daysAgo(35), attachments: withBlob(shared.sha256) }),
        m({ created_at: daysAgo(2), attachments: withBlob(shared.sha256) }),
        m({ created_at: daysAgo(33), direction: "out", status: "queued" }),
      ])
      .returning();
    await db.db
      .insert(schema.uploadBlobs)
      .values({ tenant_id: a.tenantId, sha256: onlyOld.sha256, bytes: new Uint8Array([1]) });
    // An old message that never got its turn is on the pending list; the recent one too.
    await db.sql`insert into pending_messages (conversation_id, created_at, message_id) values
      (${conv}, ${daysAgo(31).toISOString()}::timestamptz + interval '1 second', 'msg_old_1'), (${conv}, ${daysAgo(2).toISOString()}::timestamptz, ${recent.id})`;

    const id = newId("aut");
    await db.db.insert(schema.automations).values({
      id,
      tenant_id: a.tenantId,
      brand_id: a.brandId,
      kind: "retention_purge",
      schedule: "0 4 * * *",
      config: { after_days: 30 },
    });
    const metrics = createMetrics();
    const deps = { db: () => db.db, wake: null, maxAttempts: 3, blobs, metrics, log: silentLogger };
    const how = { manual: false, actor: "scheduler" };

    // 2 400 generated + the two old photos + the seeded thread's first message.
    expect(await runAutomation(deps, id, NOW, how)).toEqual({ ran: true, result: { messages: 2403, files: 1 } });
    const left = await db.sql<{ id: string }[]>`select id from messages where conversation_id = ${conv} order by id`;
    expect(left.map((r) => r.id).sort()).toEqual([recent.id, queued.id].sort());
    expect(await db.sql`select 1 from messages where conversation_id = ${otherConv}`).toHaveLength(1);
    expect(
      (
        await db.sql<{ message_id: string }[]>`select message_id from pending_messages where conversation_id = ${conv}`
      ).map((r) => r.message_id),
    ).toEqual([recent.id]);
    expect(blobs.read(onlyOld.sha256)).toBeNull();
    expect(blobs.read(shared.sha256)).not.toBeNull();
    expect(await db.sql`select 1 from upload_blobs where sha256 = ${onlyOld.sha256}`).toHaveLength(0);
    const counted = Object.fromEntries(
      (await metrics.retentionPurged.get()).values.map((v) => [v.labels.what, v.value]),
    );
    expect(counted).toEqual({ messages: 2403, blobs: 1 });
    // Again: nothing older is left.
    expect(await runAutomation(deps, id, NOW, how)).toEqual({ ran: true, result: { messages: 0, files: 0 } });
  });
});
