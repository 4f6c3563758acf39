// Store outage, with the real binary: while PostgreSQL is down, signed webhooks and /readyz answer 503
// at once (providers retry a 503; a 500 or a hang is what they must never see), and when it is back xin
// accepts again without a restart. Every message a provider was told 200 for is stored once; the ones
// told 503, posted again as the provider would, too. External store: PostgreSQL 15 crashed (immediate
// shutdown) and started again. Embedded: its server SIGKILLed; xin's supervisor starts it again.
// The times printed are the figures RELIABILITY.md records.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { metaSignatureHeader } from "../../src/channels";
import { freePort, loneBinary, run, serve, type Serving } from "../support/binary";
import { startExternalPostgres, type ExternalPostgres } from "../support/external-postgres";

const SECRET = "outage-app-secret";
const PHONE_ID = "108000111";

type Instance = {
  dir: string;
  dataDir: string;
  server: Serving;
  channelId: string;
  url: string;
  cleanup(): Promise<void>;
};

const setUp = async (databaseUrl?: string): Promise<Instance> => {
  const { dir, xin } = await loneBinary();
  const dataDir = join(dir, "data");
  const port = freePort();
  const init = run(xin, [
    "init",
    "--yes",
    "--data-dir",
    dataDir,
    "--tenant",
    "t",
    "--brand",
    "Shop",
    "--port",
    String(port),
    ...(databaseUrl ? ["--database-url", databaseUrl] : []),
  ]);
  expect(init.code, init.stderr).toBe(0);
  const config = join(dataDir, "xin.toml");
  const add = run(xin, [
    "channel",
    "add",
    "whatsapp",
    "--brand",
    "shop",
    "--phone-number-id",
    PHONE_ID,
    "--access-token",
    "tok",
    "--app-secret",
    SECRET,
    "--verify-token",
    "vt",
    "--config",
    config,
  ]);
  expect(add.code, add.stderr).toBe(0);
  const channelId = /chn_[a-z0-9]+/.exec(add.stdout)?.[0] ?? "";
  expect(channelId).not.toBe("");
  // No answering: the outage is about acknowledging and storing; an LLM or provider is not involved.
  const server = await serve(xin, config, port, { XIN_ANSWER__QUIET_WINDOW_MS: "60000" });
  // Read xin's log as it is written (a full pipe would stall its writes); the store's lines are printed.
  void (async () => {
    for await (const chunk of server.proc.stdout) {
      for (const line of new TextDecoder().decode(chunk).split("\n"))
        if (/"room":"store"/.test(line)) console.log(`  xin: ${line.slice(0, 200)}`);
    }
  })();
  return {
    dir,
    dataDir,
    server,
    channelId,
    url: server.url,
    cleanup: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const webhook = async (inst: Instance, id: string): Promise<number | "hung"> => {
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "1",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550001111", phone_number_id: PHONE_ID },
              contacts: [{ profile: { name: "Kim" }, wa_id: "4915111" }],
              messages: [
                {
                  from: "4915111",
                  id,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: `hello ${id}` },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const t0 = Date.now();
  return fetch(`${inst.url}/webhooks/whatsapp/${inst.channelId}`, {
    method: "POST",
    body,
    headers: { "x-hub-signature-256": metaSignatureHeader(SECRET, body), "content-type": "application/json" },
    signal: AbortSignal.timeout(5_000),
  })
    .then(
      (r) => r.status,
      () => "hung" as const,
    )
    .finally(() => {
      const ms = Date.now() - t0;
      if (ms > 1_000) console.log(`${id} answered after ${ms} ms`);
    });
};

/** How often each inbound text was stored, read through the admin API (the same for both stores). */
const storedCounts = async (inst: Instance): Promise<Map<string, number>> => {
  const env = await Bun.file(join(inst.dataDir, "xin.env")).text();
  const token = /XIN_ADMIN_TOKEN=(\S+)/.exec(env)?.[1] ?? "";
  const get = (path: string) =>
    fetch(`${inst.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
  const conversations = (await get("/api/v1/conversations?limit=200")) as { data: { id: string }[] };
  const counts = new Map<string, number>();
  for (const c of conversations.data) {
    const messages = (await get(`/api/v1/conversations/${c.id}/messages?limit=200`)) as {
      data: { direction: string; body: string | null }[];
    };
    for (const m of messages.data)
      if (m.direction === "in" && m.body) counts.set(m.body, (counts.get(m.body) ?? 0) + 1);
  }
  return counts;
};

/** Every acknowledged message stored exactly once, and nothing stored twice. */
const expectStoredOnce = async (inst: Instance, acked: string[]) => {
  const counts = await storedCounts(inst);
  for (const id of acked) expect(counts.get(`hello ${id}`), id).toBe(1);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
};

const readyz = (inst: Instance) =>
  fetch(`${inst.url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.status,
    () => "hung" as const,
  );

const until = async (fn: () => Promise<boolean>, timeoutMs: number): Promise<number> => {
  const started = Date.now();
  while (!(await fn())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await Bun.sleep(20);
  }
  return Date.now() - started;
};

/**
 * The scenario on one instance: `crash` takes the store down (and, for the external one, brings it
 * back; xin restarts the embedded one itself). Returns the ids acknowledged with 200.
 */
const outage = async (inst: Instance, label: string, crash: () => Promise<void>): Promise<string[]> => {
  const acked: string[] = [];
  const refused: string[] = [];
  const post = async (id: string) => {
    const status = await webhook(inst, id);
    expect([200, 503] as (number | string)[], `${id}: ${status}`).toContain(status);
    (status === 200 ? acked : refused).push(id);
    return status;
  };
  for (let i = 0; i < 5; i++) expect(await post(`wamid.${label}.before.${i}`)).toBe(200);

  await crash();
  let sent = 0;
  // Until xin accepts again and says it is ready: every answer is a 200 or a 503, never a 500 or a
  // hang. A 200 alone is not recovery: a killed postmaster's backends can still commit for a moment.
  const recoveredIn = await until(async () => {
    let ok = (await post(`wamid.${label}.during.${sent++}`)) === 200;
    if (ok) {
      const ready = await readyz(inst);
      expect([200, 503] as (number | string)[], `/readyz: ${ready}`).toContain(ready);
      ok = ready === 200;
    }
    if (!ok) await Bun.sleep(80); // a provider's retries are not a flood
    return ok;
  }, 30_000);
  console.log(
    `${label}: store down → first webhook 200 again after ${recoveredIn} ms (${sent} webhooks, ${refused.length} answered 503)`,
  );

  // The provider retries what got a 503.
  for (const id of [...refused]) {
    refused.splice(refused.indexOf(id), 1);
    expect(await post(id)).toBe(200);
  }
  for (let i = 0; i < 5; i++) expect(await post(`wamid.${label}.after.${i}`)).toBe(200);
  return acked;
};

describe("store outage", () => {
  let pg: ExternalPostgres | undefined;
  const instances: Instance[] = [];
  afterAll(async () => {
    for (const i of instances) await i.cleanup().catch(() => {});
    await pg?.stop();
  }, 60_000);

  test("external PostgreSQL crashes: 503 at once while it is down, 200 soon after it is back, nothing lost or doubled", async () => {
    pg = await startExternalPostgres({ durable: true }); // fsync on: a crash must not lose what it committed
    const inst = await setUp(pg.url);
    instances.push(inst);
    const external = pg;
    let downStatus: { readyz: unknown; webhook: unknown; ms: number } | undefined;
    const acked = await outage(inst, "external", async () => {
      await external.crash();
      // Down for a while: /readyz turns 503 within the probe's period, webhooks answer 503, not 500.
      const noticed = await until(async () => (await readyz(inst)) === 503, 5_000);
      const started = performance.now();
      const w = await webhook(inst, "wamid.external.down");
      downStatus = { readyz: 503, webhook: w, ms: Math.round(performance.now() - started) };
      console.log(
        `external: /readyz 503 ${noticed} ms after the crash; a webhook while down answered ${w} in ${downStatus.ms} ms`,
      );
      await Bun.sleep(1_000);
      const restarted = performance.now();
      await external.restart();
      console.log(`external: PostgreSQL accepting again after ${Math.round(performance.now() - restarted)} ms`);
    });
    expect(downStatus?.webhook).toBe(503);
    await expectStoredOnce(inst, acked);
  }, 120_000);

  test("embedded PostgreSQL is killed: xin restarts it and accepts again, no 500, nothing lost or doubled", async () => {
    const inst = await setUp();
    instances.push(inst);
    const acked = await outage(inst, "embedded", async () => {
      const pids = spawnSync("pgrep", ["-f", `postgres -D ${inst.dataDir}/pg`], { encoding: "utf8" })
        .stdout.trim()
        .split("\n")
        .filter(Boolean);
      expect(pids.length).toBe(1);
      process.kill(Number(pids[0]), "SIGKILL");
    });
    await expectStoredOnce(inst, acked);
  }, 120_000);
});
