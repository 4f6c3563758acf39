// `xin token …` without a running server: the same rules on the store directly.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestDb, type TestDb } from "../../test/support/db";
import { silentLogger } from "../runtime";
import { Store } from "../runtime/db";
import { verifyToken } from "../tenancy";
import { createTokenOnStore, listTokensOnStore, revokeTokenOnStore } from "./tokens";

const KEY = "tokens-test-instance-key-0123456789abcdef";
let db: TestDb & { dispose(): Promise<void> };
let store: Store;

beforeAll(async () => {
  db = await createTestDb("external");
  store = new Store({
    dataDir: "/nonexistent",
    url: "url" in db.target ? db.target.url : "",
    poolMax: 2,
    log: silentLogger,
  });
  await store.open();
  await db.sql`insert into tenants (id, tenant_id, name) values ('ten_acme', 'ten_acme', 'acme')`;
});
afterAll(async () => {
  await store.close();
  await db.dispose();
});

test("create by tenant name with a ttl, list without secrets, revoke: the token stops verifying", async () => {
  const issued = await createTokenOnStore(store, KEY, { role: "agent", tenant: "acme", name: "alice", ttl: "30d" });
  expect(issued).toMatchObject({ role: "agent", tenant_id: "ten_acme", name: "alice", revoked_at: null });
  expect((await verifyToken(db.db, KEY, issued.token)).name).toBe("alice");
  const listed = await listTokensOnStore(store, "acme");
  expect(listed.map((t) => t.id)).toEqual([issued.id]);
  expect(JSON.stringify(listed)).not.toContain(issued.token);
  await revokeTokenOnStore(store, issued.id);
  await expect(verifyToken(db.db, KEY, issued.token)).rejects.toMatchObject({ code: "auth.unauthorized" });
  const audit = await db.sql`select action, actor from audit_log where subject_id = ${issued.id} order by id`;
  expect(audit.map((a) => `${a.action} by ${a.actor}`)).toEqual(["token.create by cli", "token.revoke by cli"]);
});

test("an unknown tenant, a bad ttl and an agent without a tenant are refused with the field named", async () => {
  await expect(createTokenOnStore(store, KEY, { role: "agent", tenant: "nobody", name: "x" })).rejects.toMatchObject({
    code: "tenant.not_found",
  });
  await expect(
    createTokenOnStore(store, KEY, { role: "agent", tenant: "acme", name: "x", ttl: "forever" }),
  ).rejects.toMatchObject({ code: "cli.usage" });
  await expect(createTokenOnStore(store, KEY, { role: "agent", tenant: null, name: "x" })).rejects.toMatchObject({
    code: "token.tenant_required",
  });
});
