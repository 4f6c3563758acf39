// Gateway benchmark (issue 4): webhook acknowledgements per second and ack latency for valid signed
// WhatsApp and Telegram webhooks over loopback, on the embedded and an external PostgreSQL, beside a
// bare Bun.serve hello-world measured in the same run. Prints JSON; BENCH.md records the figures.
//   bun scripts/bench-gateway.ts [--seconds 5] [--only embedded|external] [--variant embedded_gateway_only|...] [--xin PATH] [--quick]
// The load generator runs in a child process (this script with --load), so it does not share an event
// loop with the server. Each request carries new message ids: every ack is a durable, de-duplicated insert.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { hmacSha256Hex } from "../src/runtime";
import { startExternalPostgres } from "../test/support/external-postgres";
import { freePort, loneBinary, run, runAsync, serve } from "../test/support/binary";

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const SECONDS = Number(arg("--seconds") ?? 5);
const WA = { phone: "106540352242922", secret: "bench-app-secret" };
const TG = { token: "7000000001:AAFakeTokenForTestsOnly", secret: "bench_secret_token" };

type Target = { url: string; kind: "whatsapp" | "telegram" | "hello"; perPost: number };
type LoadResult = {
  warmup_messages?: number;
  requests: number;
  messages: number;
  errors: number;
  seconds: number;
  acks_per_s: number;
  messages_per_s: number;
  p50_ms: number;
  p99_ms: number;
};

let seq = 0;
const waBody = (perPost: number) => {
  const messages = Array.from({ length: perPost }, () => {
    const n = ++seq;
    return {
      from: `49170000${String(n % 50).padStart(5, "0")}`,
      id: `wamid.bench.${process.pid}.${n}`,
      timestamp: String(Math.floor(Date.now() / 1000)),
      type: "text",
      text: { body: `question ${n}` },
    };
  });
  return JSON.stringify({
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
              contacts: messages.map((m) => ({ wa_id: m.from, profile: { name: "Bench" } })),
              messages,
            },
          },
        ],
      },
    ],
  });
};
const tgBody = () => {
  const n = ++seq;
  const chat = 551000000 + (n % 50);
  const id = process.pid * 1_000_000 + n; // unique across load processes: a repeat would be de-duplicated
  return JSON.stringify({
    update_id: id,
    message: {
      message_id: id,
      from: { id: chat, is_bot: false, first_name: "Bench" },
      chat: { id: chat, type: "private", first_name: "Bench" },
      date: Math.floor(Date.now() / 1000),
      text: `question ${n}`,
    },
  });
};

const request = (t: Target): Request => {
  if (t.kind === "hello") return new Request(t.url);
  const body = t.kind === "whatsapp" ? waBody(t.perPost) : tgBody();
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (t.kind === "whatsapp") headers["x-hub-signature-256"] = `sha256=${hmacSha256Hex(WA.secret, body)}`;
  else headers["x-telegram-bot-api-secret-token"] = TG.secret;
  return new Request(t.url, { method: "POST", headers, body });
};

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

/** Open loop at `rate` req/s (latency under a fixed load), or closed loop with `concurrency` (max throughput). */
const load = async (
  t: Target,
  mode: { rate: number } | { concurrency: number },
  seconds: number,
): Promise<LoadResult> => {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const one = async () => {
    const t0 = performance.now();
    const res = await fetch(request(t)).catch(() => null);
    if (!res || res.status !== 200) errors++;
    else latencies.push(performance.now() - t0);
    await res?.arrayBuffer().catch(() => {});
  };
  if ("rate" in mode) {
    const inflight: Promise<void>[] = [];
    for (let i = 0; performance.now() < end; i++) {
      const due = started + (i * 1000) / mode.rate;
      const wait = due - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      inflight.push(one());
    }
    await Promise.all(inflight);
  } else {
    await Promise.all(
      Array.from({ length: mode.concurrency }, async () => {
        while (performance.now() < end) await one();
      }),
    );
  }
  const took = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const perPost = t.kind === "whatsapp" ? t.perPost : 1;
  return {
    requests: latencies.length,
    messages: latencies.length * perPost,
    errors,
    seconds: +took.toFixed(2),
    acks_per_s: Math.round(latencies.length / took),
    messages_per_s: Math.round((latencies.length * perPost) / took),
    p50_ms: +pct(latencies, 50).toFixed(2),
    p99_ms: +pct(latencies, 99).toFixed(2),
  };
};

if (process.argv.includes("--load")) {
  const spec = JSON.parse(arg("--load") ?? "{}") as {
    target: Target;
    mode: { rate: number } | { concurrency: number };
    seconds: number;
  };
  // Warm up connections and code paths first; its messages are stored too, so they are reported.
  const warm = await load(spec.target, { concurrency: 8 }, 0.5);
  console.log(
    JSON.stringify({ ...(await load(spec.target, spec.mode, spec.seconds)), warmup_messages: warm.messages }),
  );
  process.exit(0);
}

const loadInChild = async (target: Target, mode: { rate: number } | { concurrency: number }): Promise<LoadResult> => {
  const child = Bun.spawn(
    [process.execPath, import.meta.path, "--load", JSON.stringify({ target, mode, seconds: SECONDS })],
    { stdout: "pipe", stderr: "inherit" },
  );
  const out = await new Response(child.stdout).text();
  await child.exited;
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
};

/** `--quick`: only WhatsApp at 1,000 webhooks/s (the p99 goal's shape), e.g. under a profiler. */
const QUICK = process.argv.includes("--quick");
const quickSuite = async (base: string, whatsappPath: string) => ({
  whatsapp_1_msg: {
    at_1000_per_s: await loadInChild({ url: base + whatsappPath, kind: "whatsapp", perPost: 1 }, { rate: 1000 }),
  },
});

const suite = async (base: string, whatsappPath: string, telegramPath: string) => ({
  whatsapp_1_msg: {
    at_1000_per_s: await loadInChild({ url: base + whatsappPath, kind: "whatsapp", perPost: 1 }, { rate: 1000 }),
    max: await loadInChild({ url: base + whatsappPath, kind: "whatsapp", perPost: 1 }, { concurrency: 64 }),
  },
  whatsapp_10_msgs: {
    max: await loadInChild({ url: base + whatsappPath, kind: "whatsapp", perPost: 10 }, { concurrency: 64 }),
  },
  telegram: {
    at_1000_per_s: await loadInChild({ url: base + telegramPath, kind: "telegram", perPost: 1 }, { rate: 1000 }),
    max: await loadInChild({ url: base + telegramPath, kind: "telegram", perPost: 1 }, { concurrency: 64 }),
  },
});

/**
 * A provider stand-in answering every send, read receipt and typing call at once, as the real APIs do
 * when healthy: the bench then measures the gateway with its workers doing their normal work.
 */
const startProviderStub = () =>
  Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const path = new URL(req.url).pathname;
      if (path.startsWith("/bot"))
        return Response.json({
          ok: true,
          result: { message_id: Math.floor(Math.random() * 1e9), date: 0, chat: { id: 1, type: "private" } },
        });
      return Response.json({
        messaging_product: "whatsapp",
        contacts: [],
        messages: [{ id: `wamid.stub.${Math.random()}` }],
        success: true,
      });
    },
  });

const instance = async (databaseUrl?: string, env: Record<string, string> = {}) => {
  const { dir, xin: lone } = await loneBinary();
  const xin = arg("--xin") ?? lone; // e.g. a wrapper that runs the sources under `bun --cpu-prof-md`
  const port = freePort();
  const dataDir = join(dir, "data");
  const init = run(xin, [
    "init",
    "--yes",
    "--data-dir",
    dataDir,
    "--brand",
    "Bench",
    "--port",
    String(port),
    ...(databaseUrl ? ["--database-url", databaseUrl] : []),
  ]);
  if (init.code !== 0) throw new Error(init.stderr);
  const config = join(dataDir, "xin.toml");
  const stub = startProviderStub();
  const api = `http://127.0.0.1:${stub.port}`;
  const wa = await runAsync(xin, [
    "channel",
    "add",
    "whatsapp",
    "--brand",
    "bench",
    "--phone-number-id",
    WA.phone,
    "--access-token",
    "t",
    "--app-secret",
    WA.secret,
    "--verify-token",
    "v",
    "--api-base",
    `${api}/v25.0`,
    "--config",
    config,
    "--json",
  ]);
  const tg = await runAsync(xin, [
    "channel",
    "add",
    "telegram",
    "--brand",
    "bench",
    "--bot-token",
    TG.token,
    "--secret-token",
    TG.secret,
    "--api-base",
    api,
    "--config",
    config,
    "--json",
  ]);
  if (wa.code !== 0 || tg.code !== 0) throw new Error(wa.stderr + tg.stderr);
  const server = await serve(xin, config, port, { XIN_LOG__LEVEL: "warn", ...env });
  return {
    dir,
    xin,
    config,
    server,
    stub,
    paths: [JSON.parse(wa.stdout).webhook_path, JSON.parse(tg.stdout).webhook_path] as [string, string],
  };
};

const countIn = (xin: string, config: string): number =>
  JSON.parse(run(xin, ["status", "--config", config, "--json"]).stdout).counts.messages_in;

const results: Record<string, unknown> = { seconds_per_run: SECONDS, cores: navigator.hardwareConcurrency };
{
  const hello = Bun.spawn(
    [
      process.execPath,
      "-e",
      `const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") }); console.log(s.port);`,
    ],
    { stdout: "pipe" },
  );
  const reader = hello.stdout.getReader();
  const port = Number(new TextDecoder().decode((await reader.read()).value).trim());
  const url = `http://127.0.0.1:${port}/`;
  results.hello_world = {
    at_1000_per_s: await loadInChild({ url, kind: "hello", perPost: 1 }, { rate: 1000 }),
    max: await loadInChild({ url, kind: "hello", perPost: 1 }, { concurrency: 64 }),
  };
  hello.kill();
}
// "all-in-one": one `xin serve` acknowledges and also answers every message (retrieval, guardrails,
// delivery) on the same two cores. "gateway-only": `queue.run_jobs = false`, the scale-out shape where
// other instances do the work; it measures the acknowledgement path alone.
const variants = [
  { name: "embedded", store: "embedded", env: {} },
  { name: "embedded_gateway_only", store: "embedded", env: { XIN_QUEUE__RUN_JOBS: "false" } },
  { name: "external", store: "external", env: {} },
  { name: "external_gateway_only", store: "external", env: { XIN_QUEUE__RUN_JOBS: "false" } },
] as const;
for (const { name: kind, store, env } of variants) {
  if (arg("--only") && arg("--only") !== store) continue;
  if (arg("--variant") && arg("--variant") !== kind) continue;
  const ext = store === "external" ? await startExternalPostgres({ durable: true }) : null;
  const inst = await instance(ext?.url, env);
  let r: Record<string, unknown>;
  let runs: LoadResult[];
  if (QUICK) {
    const q = await quickSuite(inst.server.url, inst.paths[0]);
    [r, runs] = [q, [q.whatsapp_1_msg.at_1000_per_s]];
  } else {
    const f = await suite(inst.server.url, ...inst.paths);
    [r, runs] = [
      f,
      [
        f.whatsapp_1_msg.at_1000_per_s,
        f.whatsapp_1_msg.max,
        f.whatsapp_10_msgs.max,
        f.telegram.at_1000_per_s,
        f.telegram.max,
      ],
    ];
  }
  // Every acknowledged message (warm-ups included) must be in the store: nothing acked is lost.
  const acked = runs.reduce((n, x) => n + x.messages + (x.warmup_messages ?? 0), 0);
  await Bun.sleep(500);
  const stored = countIn(inst.xin, inst.config);
  results[kind] = { ...r, acked_messages: acked, stored_messages_in: stored };
  await inst.server.stop();
  inst.stub.stop(true);
  rmSync(inst.dir, { recursive: true, force: true });
  await ext?.stop();
}
console.log(JSON.stringify(results, null, 2));
