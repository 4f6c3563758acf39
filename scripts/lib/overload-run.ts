// One overload run (issue 17), shared by scripts/bench-overload.ts and test/reliability/overload.test.ts:
// on a fresh instance of dist/xin (LLM fake answering at once, quiet window 0, no answer budgets),
// 1. capacity: a burst of `burst` messages from distinct customers through 64 connections → replies/s;
// 2. overload: open loop at `factor` × capacity for `seconds` (each webhook posted on schedule, whether
//    or not the earlier ones were answered): ack p50/p99/max and the share over 1 s, non-200 acks;
// 3. drain: from the last post until every acknowledged message has its reply at the provider stub;
//    lost = acknowledged but not answered within `drainTimeoutMs`;
// 4. memory: peak PSS of xin's process tree (xin + the embedded PostgreSQL) during 2 and 3.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startExternalPostgres } from "../../test/support/external-postgres";
import { startOpenAIFake } from "../../test/support/fakes/openai";
import { loneBinary, serve, type Serving } from "../../test/support/binary";
import { initDemoInstance } from "./demo-instance";
import type { PostSpec } from "./overload-poster";
import { treePssKiB } from "./tree-pss";

export type OverloadOptions = {
  seconds: number;
  factor: number;
  burst: number;
  store: "embedded" | "external";
  /** `queue.ack_target_ms` (unset: the default; "0": the admission gate off). */
  ackTargetMs?: string;
  drainTimeoutMs?: number;
};

export type OverloadResult = {
  ack_target_ms: string;
  capacity_replies_per_s: number;
  offered_per_s: number;
  offered: number;
  ack: { p50_ms: number; p99_ms: number; max_ms: number; over_1s_pct: number; not_200: number };
  drain_s_after_last_post: number;
  lost: number;
  pss_mib: { before: number; peak: number };
};

const POSTER = join(import.meta.dir, "overload-poster.ts");

const pct = (sorted: number[], p: number) =>
  +(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0).toFixed(1);

/** Runs the poster child and returns, per customer, [posted at, ack ms or -1]. */
const post = async (spec: PostSpec) => {
  const child = Bun.spawn([process.execPath, POSTER, JSON.stringify(spec)], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(child.stdout).text();
  await child.exited;
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, [number, number]>;
};

export const runOverload = async (options: OverloadOptions): Promise<OverloadResult> => {
  const llm = startOpenAIFake();
  llm.setReply(() => "Delivery to Austria, Switzerland and the rest of the EU takes 3 to 5 working days [1].");
  // The provider: answers every send at once and notes when each customer's first reply arrived.
  const arrivals = new Map<string, number>();
  const stub = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      const payload = (await req.json().catch(() => ({}))) as { to?: string; type?: string };
      if (payload.type === "text" && payload.to && !arrivals.has(payload.to))
        arrivals.set(payload.to, performance.timeOrigin + performance.now());
      return Response.json({
        messaging_product: "whatsapp",
        contacts: [],
        messages: [{ id: `wamid.stub.${Math.random()}` }],
      });
    },
  });
  const waitReplies = async (keys: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (keys.some((k) => !arrivals.has(k)) && Date.now() < deadline) await Bun.sleep(20);
    return keys.filter((k) => arrivals.has(k));
  };

  const ext = options.store === "external" ? await startExternalPostgres({ durable: true }) : null;
  const { dir, xin } = await loneBinary();
  let server: Serving | undefined;
  try {
    const { config, port, webhookPath } = await initDemoInstance(xin, dir, stub.port ?? 0, ext?.url);
    server = await serve(xin, config, port, {
      XIN_LOG__LEVEL: "error",
      XIN_LLM__BASE_URL: llm.baseUrl,
      XIN_LLM__MODEL: "fake",
      XIN_ANSWER__QUIET_WINDOW_MS: "0",
      XIN_ANSWER__TENANT_LLM_ANSWERS_PER_MINUTE: "0",
      XIN_ANSWER__CONTACT_ANSWERS_PER_MINUTE: "0",
      ...(options.ackTargetMs !== undefined ? { XIN_QUEUE__ACK_TARGET_MS: options.ackTargetMs } : {}),
    });
    const proc = server.proc;
    void (async () => {
      for await (const _ of proc.stdout) {
        /* drained: a full pipe would stall xin */
      }
    })();
    const url = `${server.url}${webhookPath}`;
    const tag = `${options.ackTargetMs ?? "d"}`.replace(/\D/g, "") || "9";

    await waitReplies(Object.keys(await post({ url, prefix: `48${tag}0`, count: 100, concurrency: 8 })), 60_000); // warm-up
    const burst = await post({ url, prefix: `48${tag}1`, count: options.burst, concurrency: 64 });
    const burstKeys = Object.keys(burst).filter((k) => burst[k][1] >= 0);
    const answered = await waitReplies(burstKeys, 120_000);
    const first = Math.min(...burstKeys.map((k) => burst[k][0]));
    const last = Math.max(...answered.map((k) => arrivals.get(k)!));
    const capacity = Math.round(answered.length / ((last - first) / 1000));

    const rate = Math.round(capacity * options.factor);
    let peakKiB = 0;
    const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, treePssKiB(proc.pid))), 200);
    const startKiB = treePssKiB(proc.pid);
    const offered = await post({ url, prefix: `48${tag}2`, count: rate * options.seconds, rate });
    const lastPost = Math.max(...Object.values(offered).map(([at, ack]) => at + Math.max(ack, 0)));
    const acked = Object.keys(offered).filter((k) => offered[k][1] >= 0);
    const acks = acked.map((k) => offered[k][1]).sort((a, b) => a - b);
    const replied = await waitReplies(acked, options.drainTimeoutMs ?? 180_000);
    clearInterval(sampler);
    const drained = replied.length ? Math.max(...replied.map((k) => arrivals.get(k)!)) : lastPost;
    return {
      ack_target_ms: options.ackTargetMs ?? "default",
      capacity_replies_per_s: capacity,
      offered_per_s: rate,
      offered: Object.keys(offered).length,
      ack: {
        p50_ms: pct(acks, 50),
        p99_ms: pct(acks, 99),
        max_ms: pct(acks, 100),
        over_1s_pct: +((100 * acks.filter((a) => a > 1000).length) / Math.max(1, acks.length)).toFixed(1),
        not_200: Object.keys(offered).length - acked.length,
      },
      drain_s_after_last_post: +((drained - lastPost) / 1000).toFixed(1),
      lost: acked.length - replied.length,
      pss_mib: { before: Math.round(startKiB / 1024), peak: Math.round(peakKiB / 1024) },
    };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    await ext?.stop();
    stub.stop(true);
    await llm.stop();
  }
};
