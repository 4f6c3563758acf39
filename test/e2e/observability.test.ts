// Observability of the compiled binary. Traces: `xin serve` with telemetry.otlp_endpoint pointed at an OTLP receiver
// on loopback. One WhatsApp message — webhook, group commit, the respond job, the deliver job, the send
// to (fake) Meta — is one trace with every parent link intact across the queue; the provider saw the
// trace in `traceparent`; an admin request's incoming `traceparent` is continued; the log lines of the
// message carry the trace id and its conversation and channel, phone numbers still redacted. The spans
// arrive because SIGTERM flushes the exporter (nothing is left to its 500 ms schedule at the end).
// Metrics: the running instance's /metrics passes `promtool check metrics`, and the SLO metrics
// (ops/SLO.md) counted this message's delivery and reply time.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, loneBinary, run, waitReady } from "../support/binary";
import { startMetaGraphFake, type MetaGraphFake } from "../support/fakes";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver";
import { WA } from "../support/gateway";
import { startPrometheus } from "../support/prometheus";
import { allQueries } from "../../scripts/lib/dashboards";
import { whatsappHook, whatsappText } from "../reliability/customer-hooks";

let receiver: OtlpReceiver;
let exposition = "";
let meta: MetaGraphFake;
/** What a real Prometheus scraping the running xin made of each dashboard query and each SLO rule. */
let evaluated: {
  queries: { panel: string; status: string; error?: string; series: number }[];
  rules: { name: string; health: string; status: string; error?: string }[];
} = { queries: [], rules: [] };

const CUSTOMER = "4917000000777";
const ADMIN_TRACE = "0af7651916cd43dd8448eb211c80319c";
const ADMIN_PARENT = "b7ad6b7169203331";

type Instance = {
  dir: string;
  config: string;
  url: string;
  channel: string;
  logFile: string;
  proc: Bun.Subprocess<"ignore", number, number>;
};
let xin: Instance;

/** `xin init` (no demo knowledge: the reply is the holding message, sent like any other) and one WhatsApp channel. */
const setUp = async (): Promise<Instance> => {
  const { dir, xin: bin } = await loneBinary();
  const data = join(dir, "data");
  const config = join(data, "xin.toml");
  const port = freePort();
  const env = { HOME: dir };
  const init = run(bin, ["init", "--yes", "--data-dir", data, "--brand", "Shop", "--port", String(port)], { env });
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  const add = run(
    bin,
    [
      "channel",
      "add",
      "whatsapp",
      "--brand",
      "shop",
      "--phone-number-id",
      WA.phone_number_id,
      "--access-token",
      WA.access_token,
      "--app-secret",
      WA.app_secret,
      "--verify-token",
      WA.verify_token,
      "--api-base",
      meta.baseUrl,
      "--config",
      config,
      "--json",
    ],
    { env },
  );
  if (add.code !== 0) throw new Error(`channel add failed: ${add.stderr}`);
  const logFile = join(dir, "serve.log");
  const out = openSync(logFile, "w");
  const proc = Bun.spawn([bin, "serve", "--config", config], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      XIN_TELEMETRY__OTLP_ENDPOINT: receiver.url,
      XIN_ANSWER__QUIET_WINDOW_MS: "0",
    },
    stdin: "ignore",
    stdout: out,
    stderr: out,
  });
  closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, proc, 60_000);
  return { dir, config, url, channel: JSON.parse(add.stdout).id as string, logFile, proc };
};

beforeAll(async () => {
  receiver = startOtlpReceiver();
  meta = startMetaGraphFake({ accessToken: WA.access_token });
  xin = await setUp();
  const hook = whatsappHook(
    `${xin.url}/webhooks/whatsapp/${xin.channel}`,
    whatsappText(CUSTOMER, "wamid.trace1", "Do you ship to Austria?"),
  );
  const acked = await fetch(hook.url as string, { method: "POST", headers: hook.headers, body: hook.body });
  expect(acked.status).toBe(200);
  const deadline = Date.now() + 30_000;
  while (!meta.requests.some((r) => r.path.endsWith("/messages") && r.body?.type === "text")) {
    if (Date.now() > deadline) throw new Error("no reply was sent to the fake Meta");
    await Bun.sleep(25);
  }
  // An admin call from a traced tool: its traceparent is continued.
  const token = /XIN_ADMIN_TOKEN=(\S+)/.exec(readFileSync(join(xin.config, "../xin.env"), "utf8"))?.[1] ?? "";
  const listed = await fetch(`${xin.url}/api/v1/conversations`, {
    headers: { authorization: `Bearer ${token}`, traceparent: `00-${ADMIN_TRACE}-${ADMIN_PARENT}-01` },
  });
  expect(listed.status).toBe(200);
  exposition = await fetch(`${xin.url}/metrics`).then((r) => r.text());
  // A real Prometheus scrapes this xin with the SLO rules loaded; every dashboard query is evaluated.
  const prometheus = await startPrometheus(xin.url, [join(import.meta.dir, "../../ops/prometheus/xin-rules.yml")]);
  try {
    await Bun.sleep(2500); // a few samples and rule evaluations: rate() needs two
    for (const q of allQueries()) {
      const r = await prometheus.query(q.expr.replaceAll("$__rate_interval", "1m"));
      evaluated.queries.push({
        panel: `${q.dashboard} / ${q.panel}`,
        status: r.status,
        error: r.error,
        series: r.data?.result.length ?? 0,
      });
    }
    // Each rule's own expression, evaluated now (its group may not have run yet), and none failing where it ran.
    for (const rule of await prometheus.rules()) {
      const r = await prometheus.query(rule.query);
      evaluated.rules.push({
        name: rule.name,
        health: rule.health,
        status: r.status,
        error: r.error ?? rule.lastError,
      });
    }
  } finally {
    await prometheus.stop();
  }
  // SIGTERM: the last batch of spans is exported before the process exits.
  xin.proc.kill("SIGTERM");
  expect(await xin.proc.exited).toBe(0);
}, 120_000);

afterAll(async () => {
  if (xin && xin.proc.exitCode === null) {
    xin.proc.kill("SIGTERM");
    await xin.proc.exited;
  }
  await receiver?.stop();
  await meta?.stop();
  if (xin) rmSync(xin.dir, { recursive: true, force: true });
});

const webhookSpan = (): ReceivedSpan => {
  const found = receiver.spans.find((s) => s.name === "POST /webhooks/:provider/:channel_id");
  if (!found) throw new Error(`no webhook span among ${receiver.spans.map((s) => s.name).join(", ")}`);
  return found;
};

test("the exporter posts protobuf from the binary, as service xin", () => {
  expect(receiver.posts.length).toBeGreaterThan(0);
  expect(receiver.posts.every((p) => p.contentType === "application/x-protobuf")).toBe(true);
  expect(new Set(receiver.spans.map((s) => s.service))).toEqual(new Set(["xin"]));
});

test("one trace follows the message from the webhook across the queue to the provider send", () => {
  const root = webhookSpan();
  expect(root.parentSpanId).toBe(""); // a provider's webhook starts a trace of its own
  expect(root.kind).toBe(2); // SERVER
  expect(root.attributes["http.response.status_code"]).toBe(200);
  const trace = receiver.spans.filter((s) => s.traceId === root.traceId);
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const names = trace.map((s) => s.name);
  for (const name of ["webhook batch", "job respond", "job deliver", "provider send"]) expect(names).toContain(name);
  // Every span of the trace hangs under the webhook request: no link is broken on the way.
  for (const span of trace) {
    let at: ReceivedSpan = span;
    const path = [at.name];
    while (at.parentSpanId) {
      const parent = byId.get(at.parentSpanId);
      if (!parent) throw new Error(`${path.join(" ← ")}: parent ${at.parentSpanId} missing`);
      at = parent;
      path.push(at.name);
    }
    expect(at.spanId).toBe(root.spanId);
  }
  // The send's chain, read from the send up: provider call → send → deliver job → respond job → … → webhook.
  const send = trace.find((s) => s.name === "provider send")!;
  const deliver = byId.get(send.parentSpanId)!;
  expect(deliver.name).toBe("job deliver");
  expect(deliver.attributes["xin.job.kind"]).toBe("deliver");
  const ancestors: string[] = [];
  for (let at = byId.get(deliver.parentSpanId); at; at = byId.get(at.parentSpanId)) ancestors.push(at.name);
  expect(ancestors).toContain("job respond");
  expect(ancestors.at(-1)).toBe("POST /webhooks/:provider/:channel_id");
  const call = trace.find((s) => s.parentSpanId === send.spanId && s.name.startsWith("POST 127.0.0.1:"));
  expect(call?.kind).toBe(3); // CLIENT
  expect(call?.attributes["http.response.status_code"]).toBe(200);
});

test("the provider received the trace in traceparent", () => {
  const root = webhookSpan();
  const sent = meta.requests.find((r) => r.path.endsWith("/messages") && r.body?.type === "text");
  const header = sent?.headers.get("traceparent") ?? "";
  expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const [, traceId, spanId] = header.split("-");
  expect(traceId).toBe(root.traceId);
  // The parent the provider names is xin's span of that very HTTP call.
  expect(receiver.spans.find((s) => s.spanId === spanId)?.name).toStartWith("POST 127.0.0.1:");
});

test("an admin request continues the caller's traceparent", () => {
  const span = receiver.spans.find((s) => s.name === "GET /api/v1/conversations");
  expect(span?.traceId).toBe(ADMIN_TRACE);
  expect(span?.parentSpanId).toBe(ADMIN_PARENT);
});

test("the message's log lines carry its trace id, conversation and channel; the phone number stays redacted", () => {
  const root = webhookSpan();
  const log = readFileSync(xin.logFile, "utf8");
  const lines = log
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const sent = lines.find((l) => l.msg === "message sent");
  expect(sent).toMatchObject({ trace_id: root.traceId, channel_id: xin.channel, kind: "deliver" });
  expect(String(sent?.conversation_id)).toStartWith("cnv_");
  expect(sent?.tenant_id).toBeString();
  const respondDone = lines.find((l) => l.msg === "respond done");
  expect(respondDone).toMatchObject({
    trace_id: root.traceId,
    channel_id: xin.channel,
    conversation_id: sent?.conversation_id,
  });
  expect(log).not.toContain(CUSTOMER);
});

/**
 * prom-client's default metrics name three gauges `_total` (`xin_nodejs_active_handles_total`, …_requests_,
 * …_resources_), which promtool's lint rejects ("non-counter metrics should not have "_total" suffix"):
 * they are the library's, not xin's, and renaming them would break every dashboard that knows them.
 * Only their lines are left out.
 */
const withoutNodeTotals = (text: string) =>
  text
    .split("\n")
    .filter((l) => !/^(# (HELP|TYPE) )?xin_nodejs_active_(handles|requests|resources)_total\b/.test(l))
    .join("\n");

test("/metrics passes promtool check metrics (without prom-client's three _total gauges)", () => {
  const check = (text: string) => {
    const r = Bun.spawnSync(["promtool", "check", "metrics"], { stdin: new TextEncoder().encode(text) });
    return { code: r.exitCode, out: `${r.stdout.toString()}${r.stderr.toString()}` };
  };
  const clean = check(withoutNodeTotals(exposition));
  expect(clean.out).toBe("");
  expect(clean.code).toBe(0);
  // The filter removes exactly what promtool objects to, nothing it would have passed.
  const raw = check(exposition);
  expect(raw.code).toBe(3);
  expect(raw.out).toContain("xin_nodejs_active_handles_total");
});

test("the SLO metrics saw the message: one delivery sent, its reply time, the queue lag samples", () => {
  expect(exposition).toMatch(/^xin_deliveries_total\{provider="whatsapp",outcome="sent"\} 1$/m);
  expect(exposition).toMatch(/^xin_reply_latency_seconds_count\{provider="whatsapp"\} 1$/m);
  expect(exposition).toMatch(/^xin_escalation_oldest_open_seconds \d/m);
  // Every kind in the queue has a lag sample; nothing waits now.
  expect(exposition).toMatch(/^xin_queue_oldest_job_seconds\{kind="deliver"\} 0$/m);
});

test("a real Prometheus scraping this xin evaluates every dashboard query and every SLO rule without an error", () => {
  expect(evaluated.queries.length).toBeGreaterThan(20);
  expect(evaluated.queries.filter((q) => q.status !== "success")).toEqual([]);
  // Not vacuous: the queries over what this message moved return series.
  const withData = new Set(evaluated.queries.filter((q) => q.series > 0).map((q) => q.panel));
  expect(withData).toContain("xin-api-health / Requests per second by route");
  expect(withData).toContain("xin-channels / Deliveries by provider and outcome");
  expect(evaluated.rules.length).toBeGreaterThan(30);
  expect(evaluated.rules.filter((r) => r.status !== "success" || r.health === "err")).toEqual([]);
});
