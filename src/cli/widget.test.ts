// `xin widget snippet`: through a running server's public /widget/site route, or on the store when
// none runs; the URL comes from server.public_url, else http://localhost:<port>.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStores } from "../../test/support/db";
import { INSTANCE_KEY } from "../../test/support/gateway";
import { setupWidgetSite, startLiveGateway, type LiveGateway, type WidgetSiteFixture } from "../../test/support/widget";
import { silentLogger } from "../runtime";
import { schema, transaction } from "../runtime/db";
import { issueToken } from "../tenancy";
import { configSchema } from "../runtime/config";
import { readWidgetSnippet } from "./widget";

let adminToken = "";
const configOf = (port: number, url: string, publicUrl?: string) =>
  configSchema.parse({
    data_dir: mkdtempSync(join(tmpdir(), "xin-cli-widget-")),
    instance_key: INSTANCE_KEY,
    admin_token: adminToken,
    server: { host: "127.0.0.1", port, ...(publicUrl ? { public_url: publicUrl } : {}) },
    database: { url },
  });

describeStores("xin widget snippet", (getDb) => {
  let gw: LiveGateway;
  let site: WidgetSiteFixture;
  beforeAll(async () => {
    site = await setupWidgetSite(getDb(), ["https://shop.example"], { title: "Acme Help" });
    // The CLI's token, as `xin init` writes it into xin.env.
    adminToken = (
      await transaction(getDb().db, ({ tx }) =>
        issueToken(tx, INSTANCE_KEY, { role: "admin", tenant_id: null, name: "cli" }, "test"),
      )
    ).token;
    gw = await startLiveGateway(getDb());
  });
  afterAll(async () => {
    await gw?.stop();
  });

  test("through the running server, by slug: the snippet points at http://localhost:<port>", async () => {
    const s = await readWidgetSnippet(
      configOf(gw.port, "postgres://unused@127.0.0.1:1/none"),
      { brand: site.brandSlug },
      silentLogger,
    );
    expect(s).toMatchObject({ brand_id: site.brandId, title: "Acme Help", base_url: `http://localhost:${gw.port}` });
    expect(s.snippet).toBe(`<script src="http://localhost:${gw.port}/embed.js?brand=${site.brandId}" async></script>`);
    const script = await fetch(`${gw.url}/embed.js?brand=${site.brandId}`);
    expect(script.headers.get("content-type")).toStartWith("text/javascript");
    expect(await script.text()).toContain('"title":"Acme Help"');
  });

  test("by the brand's name, or with no --brand when the instance has one brand: the same snippet", async () => {
    const byName = await readWidgetSnippet(
      configOf(gw.port, "postgres://unused@127.0.0.1:1/none"),
      { brand: site.brandName },
      silentLogger,
    );
    expect(byName.brand_id).toBe(site.brandId);
    const brands = await getDb().db.select({ id: schema.brands.id }).from(schema.brands);
    expect(brands.map((b) => b.id)).toEqual([site.brandId]);
    const byDefault = await readWidgetSnippet(
      configOf(gw.port, "postgres://unused@127.0.0.1:1/none"),
      {},
      silentLogger,
    );
    expect(byDefault.brand_id).toBe(site.brandId);
  });

  test("an unknown brand is brand.not_found with a fix", async () => {
    const e = await readWidgetSnippet(
      configOf(gw.port, "postgres://unused@127.0.0.1:1/none"),
      { brand: "no-such-brand" },
      silentLogger,
    ).catch((x) => x);
    expect(e).toMatchObject({ code: "brand.not_found", status: 404 });
  });

  test("without a server, on the store, with server.public_url", async () => {
    const target = getDb().target;
    if (!("url" in target)) return; // the embedded store has no URL to hand a CLI; the server path above covers it
    const closedPort = 1;
    const s = await readWidgetSnippet(
      configOf(closedPort, target.url, "https://chat.example.com/"),
      { brand: site.brandId },
      silentLogger,
    );
    expect(s.snippet).toBe(`<script src="https://chat.example.com/embed.js?brand=${site.brandId}" async></script>`);
    expect(s.demo_url).toBe(`https://chat.example.com/demo/${site.brandId}`);
  });
});
