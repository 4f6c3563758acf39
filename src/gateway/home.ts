import type { Router } from "../runtime/http";
import type { Readiness } from "./health";

// What someone who opens the server's address in a browser sees: that this is xin, whether it is
// ready, and where to go next. Nothing about tenants or brands: the page is public.
const page = (version: string, ready: boolean, reason?: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>xin</title><link rel="icon" href="/favicon.ico" type="image/svg+xml">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
h1{margin:0 0 .25rem}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}.ok{color:#047857}.down{color:#b91c1c}
li{margin:.3rem 0}</style></head><body>
<h1>xin</h1><p>Self-hosted business messaging assistant · version ${version}</p>
<p class="${ready ? "ok" : "down"}">${ready ? "Ready: answering webhooks and chats." : `Not ready (${reason ?? "starting"}).`}</p>
<ul>
<li>A brand's chat widget to try: <code>/demo/&lt;brand&gt;</code> — <code>xin widget snippet</code> prints its address and the snippet for your site</li>
<li><a href="/readyz">/readyz</a> and <a href="/healthz">/healthz</a> for load balancers and monitors, <a href="/metrics">/metrics</a> for Prometheus</li>
<li>The admin API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1; a token from <code>xin token create</code>)</li>
<li>Human agents: <code>xin queue</code> in a terminal</li>
</ul></body></html>`;

// A speech bubble in xin's blue, as SVG: one small file instead of an .ico set.
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#2563eb" d="M6 4h20a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4H14l-7 6v-6H6a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4z"/><path fill="#fff" d="M9 10h14v2H9zm0 5h10v2H9z"/></svg>`;

const SECURITY = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
  "x-content-type-options": "nosniff",
};

/** `/`: a small status page; `/favicon.ico`: the icon browsers ask every site for. */
export const registerHome = (router: Router, version: string, readiness: Readiness) => {
  router.get("/", async () => {
    const r = await readiness();
    return new Response(page(version, r.ready, r.reason), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...SECURITY },
    });
  });
  router.get(
    "/favicon.ico",
    () =>
      new Response(FAVICON, {
        headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400", ...SECURITY },
      }),
  );
};
