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
import { configSchema } from "../runtime/config";
import { readWidgetSnippet } from "./widget";

const configOf = (port: number, url: string, publicUrl?: string) =>
  configSchema.parse({
    data_dir: mkdtempSync(join(tmpdir(), "xin-cli-widget-")),
    instance_key: INSTANCE_KEY,
    server: { host: "127.0.0.1", port, ...(publicUrl ? { public_url: publicUrl } : {}) },
    database: { url },
  });

describeStores("xin widget snippet", (getDb) => {
  let gw: LiveGateway;
  let site: WidgetSiteFixture;
  beforeAll(async () => {
    site = await setupWidgetSite(getDb(), ["https://shop.example"], { title: "Acme Help" });
    gw = await startLiveGateway(getDb());
  });
  afterAll(async () => {
    await gw?.stop();
  });

  test("through the running server, by slug: the snippet points at http://localhost:<port>", async () => {
    const s = await readWidgetSnippet(configOf(gw.port, "postgres://unused@127.0.0.1:1/none"), site.brandSlug, silentLogger);
    expect(s).toMatchObject({ brand_id: site.brandId, title: "Acme Help", base_url: `http://localhost:${gw.port}` });
    expect(s.snippet).toBe(`<script src="http://localhost:${gw.port}/embed.js?brand=${site.brandId}" async></script>`);
    const script = await fetch(`${gw.url}/embed.js?brand=${site.brandId}`);
    expect(script.headers.get("content-type")).toStartWith("text/javascript");
    expect(await script.text()).toContain('"title":"Acme Help"');
  });

  test("an unknown brand is widget.unknown_brand with a fix", async () => {
    const e = await readWidgetSnippet(configOf(gw.port, "postgres://unused@127.0.0.1:1/none"), "no-such-brand", silentLogger).catch((x) => x);
    expect(e).toMatchObject({ code: "widget.unknown_brand", status: 404 });
  });

  test("without a server, on the store, with server.public_url", async () => {
    const target = getDb().target;
    if (!("url" in target)) return; // the embedded store has no URL to hand a CLI; the server path above covers it
    const closedPort = 1;
    const s = await readWidgetSnippet(configOf(closedPort, target.url, "https://chat.example.com/"), site.brandId, silentLogger);
    expect(s.snippet).toBe(`<script src="https://chat.example.com/embed.js?brand=${site.brandId}" async></script>`);
    expect(s.demo_url).toBe(`https://chat.example.com/demo/${site.brandId}`);
  });
});
