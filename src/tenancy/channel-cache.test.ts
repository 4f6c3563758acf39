import { beforeAll, expect, test } from "bun:test";
import { describeStores } from "../../test/support/db";
import { INSTANCE_KEY, setupGateway } from "../../test/support/gateway";
import { transaction } from "../runtime/db";
import { ChannelCache } from "./channel-cache";
import { findChannelRow, removeChannel } from "./channels";

describeStores("channel cache", (getDb) => {
  let gw: Awaited<ReturnType<typeof setupGateway>>;
  beforeAll(async () => {
    gw = await setupGateway(getDb());
  });

  test("reuses a bound channel for its TTL; unknown ids are remembered; a removal through xin is seen at once", async () => {
    const db = getDb();
    const id = gw.channels.whatsapp.id;
    const cache = new ChannelCache(() => db.db, INSTANCE_KEY, 60_000);
    const first = await cache.get(id);
    expect(first?.row.id).toBe(id);
    expect(first?.binding.credentials).toMatchObject({ app_secret: expect.any(String) });
    // A raw edit (another process) is not seen within the TTL...
    await db.sql`update channels set name = 'renamed elsewhere' where id = ${id}`;
    expect((await cache.get(id))?.row.name).toBe(first?.row.name);
    expect(await cache.get("ch_missing")).toBeNull();
    // ...but a change made through xin is, in every cache of the process.
    const other = new ChannelCache(() => db.db, INSTANCE_KEY, 60_000);
    expect(await other.get(id)).not.toBeNull();
    await transaction(db.db, async ({ tx }) => removeChannel(tx, (await findChannelRow(tx, id))!, "test"));
    expect(await cache.get(id)).toBeNull();
    expect(await other.get(id)).toBeNull();
  });

  test("entries expire after the TTL", async () => {
    const db = getDb();
    const id = gw.channels.telegram.id;
    const cache = new ChannelCache(() => db.db, INSTANCE_KEY, 50);
    await cache.get(id);
    await db.sql`update channels set name = 'renamed' where id = ${id}`;
    await Bun.sleep(80);
    expect((await cache.get(id))?.row.name).toBe("renamed");
  });
});
