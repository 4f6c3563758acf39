/**
 * `GET /embed.js?brand=<brand id>`: the widget script with the brand's settings baked in (cached for
 * five minutes, so a settings change shows up soon without a deploy), and `GET /demo/<brand slug or id>`:
 * a page that embeds it, so a newcomer can open one URL and type. Settings are JSON-escaped for a
 * script context (`<` as \u003c), so a brand title cannot close the script element.
 */
import { XinError } from "../../runtime";
import { json, type Router } from "../../runtime/http";
import embedSource from "./client/embed.js" with { type: "text" };
import { loadSite, type WidgetSettings } from "./settings";
import type { SocketDeps } from "./socket";

const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

export const embedScript = (brandId: string, base: string, settings: WidgetSettings): string =>
  `/* xin chat widget */\n(function (CONFIG) {\n"use strict";\n${embedSource}\n})(${scriptJson({ brand: brandId, base, settings })});\n`;

export const unknownWidget = (): XinError =>
  new XinError("widget.unknown_brand", "no chat widget for this brand", {
    status: 404,
    exitCode: 2,
    hint: "add one: xin channel add web --brand B --origin https://shop.example",
  });

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** The `<script>` tag a site owner pastes before `</body>` (also what `xin widget snippet` prints). */
export const snippetOf = (publicBase: string, brandId: string): string =>
  `<script src="${escapeHtml(`${publicBase.replace(/\/$/, "")}/embed.js?brand=${encodeURIComponent(brandId)}`)}" async></script>`;

const demoPage = (title: string, snippet: string, brandId: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — chat demo</title>
<style>body{margin:0;font:16px/1.6 system-ui,sans-serif;color:#1e293b;background:linear-gradient(160deg,#f1f5f9,#e2e8f0);min-height:100vh}
main{max-width:560px;margin:0 0 0 6vw;padding:72px 24px}@media (max-width:1000px){main{margin:0 auto}}h1{font-size:34px;margin:0 0 12px}code{background:#fff;padding:2px 6px;border-radius:6px}pre code{display:block;padding:12px;white-space:pre-wrap;word-break:break-all}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>
<p>This page embeds the chat widget exactly as your site will. Open the bubble in the corner and type a message.</p>
<p>To put it on your site, paste this before <code>&lt;/body&gt;</code>:</p><pre><code>${escapeHtml(snippet)}</code></pre></main>
<script src="/embed.js?brand=${encodeURIComponent(brandId)}" async></script>
</body></html>`;

export const registerEmbed = (router: Router, deps: SocketDeps) => {
  router.get("/embed.js", async (ctx) => {
    const site = await loadSite(deps.db(), deps.instanceKey, ctx.url.searchParams.get("brand") ?? "");
    const headers = {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=300",
      "x-content-type-options": "nosniff",
    };
    if (!site) return new Response(`console.warn("xin: no chat widget for this brand");\n`, { status: 404, headers });
    return new Response(embedScript(site.brandId, ctx.url.origin, site.settings), { headers });
  });
  // Public facts about a brand's widget (the same the demo page shows): lets `xin widget snippet`
  // resolve a brand slug through a running server.
  router.get("/widget/site", async (ctx) => {
    const site = await loadSite(deps.db(), deps.instanceKey, ctx.url.searchParams.get("brand") ?? "", { bySlug: true });
    if (!site) throw unknownWidget();
    return json({ brand_id: site.brandId, title: site.settings.title, demo_path: `/demo/${site.brandId}` });
  });
  router.get("/demo/:brand", async (ctx) => {
    const site = await loadSite(deps.db(), deps.instanceKey, ctx.params.brand, { bySlug: true });
    if (!site) throw unknownWidget();
    const base = deps.publicUrl ?? ctx.url.origin;
    return new Response(demoPage(site.settings.title, snippetOf(base, site.brandId), site.brandId), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy":
          "default-src 'none'; script-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:",
      },
    });
  });
};
