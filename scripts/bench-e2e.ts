// End-to-end benchmark (issue 6): webhook in → respond (retrieval, LLM, guardrails) → provider send out,
// through the compiled `dist/xin serve`, with the LLM fake answering instantly and the quiet window 0.
//   bun scripts/build.ts --no-smoke && bun scripts/bench-e2e.ts [--seconds 5] [--warmup-seconds 2] [--burst 1000]
//     [--only embedded|external] [--concurrency N] (queue.concurrency; default: xin's own)
//     [--statements] (external: top statements by server time; WAL, commits and HOT updates)  [--xin PATH] (another executable, e.g. a profiling wrapper)
//     [--series] (the 200/s run's slowest reply per 250 ms)
//     [--otlp] (tracing on: xin exports its spans to an OTLP receiver in this process, which decodes them)
// - replies/s: a burst of messages from distinct customers posted as fast as 64 connections allow, until
//   every reply reached the provider stub;
// - platform overhead: at 200 messages/s, after --warmup-seconds of the same load, the time from posting a webhook to the provider receiving the
//   reply (this includes the fake LLM's own ~1 ms), p50/p99 — beside the same-run baseline of a relay
//   that makes only the harness's hops (webhook in, LLM fake, provider stub) with no store: what xin
//   adds is the difference.
// The provider stub and the LLM fake run in this process; webhooks come from a child process.
import { rmSync } from "node:fs";
import { hmacSha256Hex } from "../src/runtime";
import { DEMO_WA, initDemoInstance } from "./lib/demo-instance";
import { postOnSchedule } from "./lib/post-schedule";
import { startExternalPostgres } from "../test/support/external-postgres";
import { startOpenAIFake } from "../test/support/fakes/openai";
import { startOtlpReceiver } from "../test/support/otlp-receiver";
import { loneBinary, serve } from "../test/support/binary";
import { machineBusyMs, postgresPidOnPort, treeCpuMs } from "./lib/process-cpu";
import { printTopStatements } from "./lib/top-statements";

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const SECONDS = Number(arg("--seconds") ?? 5);
/** Seconds of the same 200 messages/s before the measured ones: a server that just started is still compiling its hot code and opening its pool. */
const WARMUP_SECONDS = Number(arg("--warmup-seconds") ?? 2);
const BURST = Number(arg("--burst") ?? 1000);
/** External store only: print the statements that took the server's time (pg_stat_statements). */
const STATEMENTS = process.argv.includes("--statements");
/** Print the 200 messages/s run's slowest reply per 250 ms of posting: one stall, or a tail spread out? */
const SERIES = process.argv.includes("--series");
/** Tracing on, exporting to a loopback receiver: the cost of telemetry.otlp_endpoint (BENCH.md). */
const OTLP = process.argv.includes("--otlp");
const WA = DEMO_WA;
const QUESTION = "How long does delivery to Austria take?";
const ANSWER = "Delivery to Austria, Switzerland and the rest of the EU takes 3 to 5 working days [1].";

const body = (from: string, id: string) =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "2200000000000007",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550199999", phone_number_id: WA.phone },
              contacts: [{ wa_id: from, profile: { name: "Bench" } }],
              messages: [
                { from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: QUESTION } },
              ],
            },
          },
        ],
      },
    ],
  });

// Child: posts webhooks, each from a new customer, and prints when each was posted (epoch ms).
if (process.argv.includes("--post")) {
  const spec = JSON.parse(arg("--post") ?? "{}") as {
    url: string;
    prefix: string;
    count: number;
    rate?: number;
    concurrency?: number;
  };
  const posted: Record<string, number> = {};
  const one = async (i: number) => {
    const from = `${spec.prefix}${String(i).padStart(6, "0")}`;
    const b = body(from, `wamid.e2e.${from}`);
    posted[`+${from}`] = performance.timeOrigin + performance.now();
    const res = await fetch(spec.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${hmacSha256Hex(WA.secret, b)}` },
      body: b,
    });
    if (res.status !== 200) posted[`+${from}`] = -1;
    await res.arrayBuffer();
  };
  await postOnSchedule(spec.count, one, spec);
  console.log(JSON.stringify(posted));
  process.exit(0);
}

// Child: the same-run baseline — a relay doing only the hops the harness imposes on any platform
// (take the webhook, ask the LLM fake, send to the provider stub, answer 200), with no store at all.
if (process.argv.includes("--relay")) {
  const { llmBase, stubBase } = JSON.parse(arg("--relay") ?? "{}") as { llmBase: string; stubBase: string };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      const body = (await req.json()) as {
        entry: { changes: { value: { messages: { from: string; text: { body: string } }[] } }[] }[];
      };
      const m = body.entry[0].changes[0].value.messages[0];
      const chat = await fetch(`${llmBase}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer x" },
        body: JSON.stringify({ model: "fake", messages: [{ role: "user", content: m.text.body }] }),
      });
      const reply = ((await chat.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;
      await fetch(`${stubBase}/v25.0/${WA.phone}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messaging_product: "whatsapp", to: `+${m.from}`, type: "text", text: { body: reply } }),
      });
      return new Response("ok");
    },
  });
  console.log(server.port);
  await new Promise(() => {}); // serve until killed; the rest of this file is the parent's
}

const pct = (sorted: number[], p: number) =>
  +(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0).toFixed(1);

const otlp = OTLP ? startOtlpReceiver() : null;
const llm = startOpenAIFake();
llm.setReply(() => ANSWER);
const arrivals = new Map<string, number>();
const stub = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: async (req) => {
    const payload = (await req.json().catch(() => ({}))) as { to?: string; type?: string; text?: { body?: string } };
    if (payload.type === "text" && payload.to && !arrivals.has(payload.to))
      arrivals.set(payload.to, performance.timeOrigin + performance.now());
    return Response.json({
      messaging_product: "whatsapp",
      contacts: [],
      messages: [{ id: `wamid.stub.${Math.random()}` }],
      success: true,
    });
  },
});

const post = async (spec: { url: string; prefix: string; count: number; rate?: number; concurrency?: number }) => {
  const child = Bun.spawn([process.execPath, import.meta.path, "--post", JSON.stringify(spec)], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const out = await new Response(child.stdout).text();
  await child.exited;
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, number>;
};

const awaitReplies = async (posted: Record<string, number>, timeoutMs: number) => {
  const wanted = Object.keys(posted).filter((k) => posted[k] > 0);
  const deadline = Date.now() + timeoutMs;
  while (wanted.some((k) => !arrivals.has(k)) && Date.now() < deadline) await Bun.sleep(20);
  const latencies = wanted
    .filter((k) => arrivals.has(k))
    .map((k) => arrivals.get(k)! - posted[k])
    .sort((a, b) => a - b);
  const last = Math.max(...wanted.filter((k) => arrivals.has(k)).map((k) => arrivals.get(k)!));
  return {
    postedMap: posted,
    posted: wanted.length,
    replied: latencies.length,
    latencies,
    last,
    first: Math.min(...wanted.map((k) => posted[k])),
  };
};

/** CPU per reply over the burst: xin, PostgreSQL, and the rest of the machine (this harness, its fakes, the poster). */
const perReply = (
  before: { xin: number; postgres: number; machine: number },
  after: typeof before,
  replies: number,
) => {
  const ms = (k: keyof typeof before) => (after[k] - before[k]) / replies;
  return {
    xin: +ms("xin").toFixed(2),
    postgres: +ms("postgres").toFixed(2),
    rest_of_machine: +(ms("machine") - ms("xin") - ms("postgres")).toFixed(2),
  };
};

const results: Record<string, unknown> = {
  burst: BURST,
  rate_run_seconds: SECONDS,
  warmup_seconds: WARMUP_SECONDS,
  cores: navigator.hardwareConcurrency,
};
{
  const relay = Bun.spawn(
    [
      process.execPath,
      import.meta.path,
      "--relay",
      JSON.stringify({ llmBase: llm.baseUrl, stubBase: `http://127.0.0.1:${stub.port}` }),
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  const port = Number(new TextDecoder().decode((await relay.stdout.getReader().read()).value).trim());
  const url = `http://127.0.0.1:${port}/`;
  await awaitReplies(await post({ url, prefix: "4900", count: 50, concurrency: 8 }), 30_000); // warm-up
  await awaitReplies(await post({ url, prefix: "4903", count: 200 * WARMUP_SECONDS, rate: 200 }), 60_000);
  const steady = await awaitReplies(await post({ url, prefix: "4901", count: 200 * SECONDS, rate: 200 }), 60_000);
  results.baseline_relay = {
    at_200_per_s: {
      messages: steady.posted,
      replies: steady.replied,
      p50_ms: pct(steady.latencies, 50),
      p99_ms: pct(steady.latencies, 99),
    },
  };
  relay.kill();
}
for (const store of ["embedded", "external"] as const) {
  if (arg("--only") && arg("--only") !== store) continue;
  const ext =
    store === "external"
      ? await startExternalPostgres({
          durable: true,
          extra: STATEMENTS
            ? ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track_planning=on"]
            : [],
        })
      : null;
  const { dir, xin: lone } = await loneBinary();
  const xin = arg("--xin") ?? lone; // e.g. a wrapper that runs the sources under `bun --cpu-prof-md`
  const { config, port, webhookPath } = await initDemoInstance(xin, dir, stub.port ?? 0, ext?.url);
  const server = await serve(xin, config, port, {
    XIN_LOG__LEVEL: "warn",
    XIN_LLM__BASE_URL: llm.baseUrl,
    XIN_LLM__MODEL: "fake",
    XIN_ANSWER__QUIET_WINDOW_MS: "0",
    ...(arg("--concurrency") ? { XIN_QUEUE__CONCURRENCY: arg("--concurrency")! } : {}),
    XIN_ANSWER__TENANT_LLM_ANSWERS_PER_MINUTE: "1000000",
    ...(otlp ? { XIN_TELEMETRY__OTLP_ENDPOINT: otlp.url } : {}),
  });
  const url = `${server.url}${webhookPath}`;

  await awaitReplies(
    await post({ url, prefix: `49${store === "embedded" ? 1 : 2}0`, count: 50, concurrency: 8 }),
    30_000,
  ); // warm-up
  await awaitReplies(
    await post({ url, prefix: `49${store === "embedded" ? 1 : 2}3`, count: 200 * WARMUP_SECONDS, rate: 200 }),
    60_000,
  );
  const steady = await awaitReplies(
    await post({ url, prefix: `49${store === "embedded" ? 1 : 2}1`, count: 200 * SECONDS, rate: 200 }),
    60_000,
  );
  if (SERIES) {
    const byPost = Object.entries(steady.postedMap)
      .filter(([k]) => arrivals.has(k))
      .map(([k, t]) => [t, arrivals.get(k)! - t] as const)
      .sort((a, b) => a[0] - b[0]);
    const slowest: number[] = [];
    for (const [t, latency] of byPost) {
      const slot = Math.floor((t - byPost[0][0]) / 250);
      slowest[slot] = Math.max(slowest[slot] ?? 0, latency);
    }
    console.error(`${store}: slowest reply per 250 ms of posting (ms): ${slowest.map((x) => Math.round(x)).join(" ")}`);
  }
  // CPU per reply over the burst: xin's process tree (with the embedded PostgreSQL) and an external server's.
  const pgPid = ext ? postgresPidOnPort(Number(new URL(ext.url).port)) : undefined;
  const cpu = () => {
    const x = treeCpuMs(server.proc.pid);
    const pg = pgPid ? treeCpuMs(pgPid).postgres : 0;
    return { xin: x.other, postgres: x.postgres + pg, machine: machineBusyMs() };
  };
  const cpuBefore = cpu();
  const burst = await awaitReplies(
    await post({ url, prefix: `49${store === "embedded" ? 1 : 2}2`, count: BURST, concurrency: 64 }),
    120_000,
  );
  const cpuAfter = cpu();
  results[store] = {
    at_200_per_s: {
      messages: steady.posted,
      replies: steady.replied,
      p50_ms: pct(steady.latencies, 50),
      p99_ms: pct(steady.latencies, 99),
    },
    burst: {
      messages: burst.posted,
      replies: burst.replied,
      replies_per_s: Math.round(burst.replied / ((burst.last - burst.first) / 1000)),
      p50_ms: pct(burst.latencies, 50),
      p99_ms: pct(burst.latencies, 99),
      cpu_ms_per_reply: perReply(cpuBefore, cpuAfter, burst.replied),
      // Busy share of all cores over the burst: near 100 % means the machine, not a wait, sets the rate.
      machine_busy_pct: Math.round(
        (100 * (cpuAfter.machine - cpuBefore.machine)) / ((burst.last - burst.first) * navigator.hardwareConcurrency),
      ),
    },
    llm_requests: llm.chatRequests().length,
  };
  if (ext && STATEMENTS) await printTopStatements(ext.url);
  await server.stop();
  // Counted after the stop: SIGTERM flushes the exporter's last batch.
  if (otlp)
    Object.assign(results[store] as object, {
      spans_received: otlp.spans.length,
      otlp_posts: otlp.posts.length,
      otlp_bytes: otlp.posts.reduce((n, p) => n + p.bytes, 0),
    });
  rmSync(dir, { recursive: true, force: true });
  await ext?.stop();
}
stub.stop(true);
await llm.stop();
await otlp?.stop();
console.log(JSON.stringify(results, null, 2));
