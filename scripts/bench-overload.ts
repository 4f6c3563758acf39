// Overload (issue 17): offered twice what xin can answer, does it keep acknowledging webhooks fast and
// answer everything afterwards?
//   bun scripts/build.ts --no-smoke && bun scripts/bench-overload.ts [--seconds 10] [--factor 2] [--burst 1000]
//     [--store embedded|external] [--compare] (also run with queue.ack_target_ms = 0, the gate off, same run)
// Per run, on a fresh instance of dist/xin (LLM fake answering at once, quiet window 0):
// 1. capacity: a burst of --burst messages from distinct customers through 64 connections → replies/s;
// 2. overload: open loop at --factor × capacity for --seconds (each webhook posted on schedule, whether
//    or not the earlier ones were answered): ack p50/p99/max and the share over 1 s, non-200 acks;
// 3. drain: from the last post until every acknowledged message has its reply at the provider stub;
//    lost = acknowledged but never answered (within 180 s);
// 4. memory: peak PSS of xin's process tree (xin + the embedded PostgreSQL) during 2 and 3.
// The poster is a child process on the same cores, as a real overload would be.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { hmacSha256Hex } from "../src/runtime";
import { DEMO_WA, initDemoInstance } from "./lib/demo-instance";
import { postOnSchedule } from "./lib/post-schedule";
import { startExternalPostgres } from "../test/support/external-postgres";
import { startOpenAIFake } from "../test/support/fakes/openai";
import { loneBinary, serve } from "../test/support/binary";

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const SECONDS = Number(arg("--seconds") ?? 10);
const FACTOR = Number(arg("--factor") ?? 2);
const BURST = Number(arg("--burst") ?? 1000);
const STORE = arg("--store") ?? "embedded";
const WA = DEMO_WA;

const body = (from: string) =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: "2200000000000007", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550199999", phone_number_id: WA.phone }, contacts: [{ wa_id: from, profile: { name: "Bench" } }], messages: [{ from, id: `wamid.ovl.${from}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "How long does delivery to Austria take?" } }] } }] }],
  });

// Child: posts webhooks (open loop at `rate`, or as fast as `concurrency` connections allow) and prints,
// per customer, when it was posted and how long its ack took (-1: not a 200).
if (process.argv.includes("--post")) {
  const spec = JSON.parse(arg("--post") ?? "{}") as { url: string; prefix: string; count: number; rate?: number; concurrency?: number };
  const out: Record<string, [number, number]> = {};
  const one = async (i: number) => {
    const from = `${spec.prefix}${String(i).padStart(6, "0")}`;
    const b = body(from);
    const at = performance.timeOrigin + performance.now();
    const res = await fetch(spec.url, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${hmacSha256Hex(WA.secret, b)}` }, body: b }).catch(() => null);
    out[`+${from}`] = [at, res?.status === 200 ? performance.timeOrigin + performance.now() - at : -1];
    await res?.arrayBuffer();
  };
  await postOnSchedule(spec.count, one, spec);
  console.log(JSON.stringify(out));
  process.exit(0);
}

const pct = (sorted: number[], p: number) => +(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0).toFixed(1);

/** PSS (KiB) of `root` and its descendants, from /proc/<pid>/smaps_rollup. */
const treePssKiB = (root: number): number => {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => pid === root || (parent.has(pid) && pid > 1 && inTree(parent.get(pid)!));
  let total = 0;
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    try {
      total += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return total;
};

const llm = startOpenAIFake();
llm.setReply(() => "Delivery to Austria, Switzerland and the rest of the EU takes 3 to 5 working days [1].");
const arrivals = new Map<string, number>();
const stub = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: async (req) => {
    const payload = (await req.json().catch(() => ({}))) as { to?: string; type?: string };
    if (payload.type === "text" && payload.to && !arrivals.has(payload.to)) arrivals.set(payload.to, performance.timeOrigin + performance.now());
    return Response.json({ messaging_product: "whatsapp", contacts: [], messages: [{ id: `wamid.stub.${Math.random()}` }] });
  },
});

const post = async (spec: { url: string; prefix: string; count: number; rate?: number; concurrency?: number }) => {
  const child = Bun.spawn([process.execPath, import.meta.path, "--post", JSON.stringify(spec)], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(child.stdout).text();
  await child.exited;
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, [number, number]>;
};

const waitReplies = async (keys: string[], timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (keys.some((k) => !arrivals.has(k)) && Date.now() < deadline) await Bun.sleep(20);
  return keys.filter((k) => arrivals.has(k));
};

const runOnce = async (ackTargetMs: string | undefined) => {
  const ext = STORE === "external" ? await startExternalPostgres({ durable: true }) : null;
  const { dir, xin } = await loneBinary();
  const { config, port, webhookPath } = initDemoInstance(xin, dir, stub.port ?? 0, ext?.url);
  const server = await serve(xin, config, port, {
    XIN_LOG__LEVEL: "error", XIN_LLM__BASE_URL: llm.baseUrl, XIN_LLM__MODEL: "fake", XIN_ANSWER__QUIET_WINDOW_MS: "0",
    XIN_ANSWER__TENANT_LLM_ANSWERS_PER_MINUTE: "0", XIN_ANSWER__CONTACT_ANSWERS_PER_MINUTE: "0",
    ...(ackTargetMs !== undefined ? { XIN_QUEUE__ACK_TARGET_MS: ackTargetMs } : {}),
  });
  void (async () => { for await (const _ of server.proc.stdout) { /* drained: a full pipe would stall xin */ } })();
  const url = `${server.url}${webhookPath}`;
  const tag = `${ackTargetMs ?? "d"}`.replace(/\D/g, "") || "9";

  await waitReplies(Object.keys(await post({ url, prefix: `48${tag}0`, count: 100, concurrency: 8 })), 60_000); // warm-up
  const burst = await post({ url, prefix: `48${tag}1`, count: BURST, concurrency: 64 });
  const burstKeys = Object.keys(burst).filter((k) => burst[k][1] >= 0);
  const answered = await waitReplies(burstKeys, 120_000);
  const first = Math.min(...burstKeys.map((k) => burst[k][0]));
  const last = Math.max(...answered.map((k) => arrivals.get(k)!));
  const capacity = Math.round(answered.length / ((last - first) / 1000));

  const rate = Math.round(capacity * FACTOR);
  let peakKiB = 0;
  const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, treePssKiB(server.proc.pid))), 200);
  const startKiB = treePssKiB(server.proc.pid);
  const offered = await post({ url, prefix: `48${tag}2`, count: rate * SECONDS, rate });
  const lastPost = Math.max(...Object.values(offered).map(([at, ack]) => at + Math.max(ack, 0)));
  const acked = Object.keys(offered).filter((k) => offered[k][1] >= 0);
  const acks = acked.map((k) => offered[k][1]).sort((a, b) => a - b);
  const replied = await waitReplies(acked, 180_000);
  clearInterval(sampler);
  const drained = replied.length ? Math.max(...replied.map((k) => arrivals.get(k)!)) : lastPost;
  const result = {
    ack_target_ms: ackTargetMs ?? "default",
    capacity_replies_per_s: capacity,
    offered_per_s: rate,
    offered: Object.keys(offered).length,
    ack: { p50_ms: pct(acks, 50), p99_ms: pct(acks, 99), max_ms: pct(acks, 100), over_1s_pct: +((100 * acks.filter((a) => a > 1000).length) / Math.max(1, acks.length)).toFixed(1), not_200: Object.keys(offered).length - acked.length },
    drain_s_after_last_post: +((drained - lastPost) / 1000).toFixed(1),
    lost: acked.length - replied.length,
    pss_mib: { before: Math.round(startKiB / 1024), peak: Math.round(peakKiB / 1024) },
  };
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  await ext?.stop();
  return result;
};

const results = [await runOnce(undefined)];
if (process.argv.includes("--compare")) results.push(await runOnce("0"));
stub.stop(true);
await llm.stop();
console.log(JSON.stringify({ store: STORE, seconds: SECONDS, factor: FACTOR, cores: navigator.hardwareConcurrency, runs: results }, null, 2));
