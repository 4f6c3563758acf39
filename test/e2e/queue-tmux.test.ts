// `dist/xin queue` in a real terminal (tmux, 80×24) against a running `dist/xin serve`: an agent opens
// an escalation seeded with an AI draft, approves it with keystrokes, and exactly one message reaches
// the (fake) WhatsApp API, recorded in the audit log as that agent's approval.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, loneBinary, run, serve, type Serving } from "../support/binary";
import { createTestDb, type TestDb } from "../support/db";
import { seedEscalation, type Seeded } from "../support/escalation-seed";
import { startMetaGraphFake, type MetaGraphFake } from "../support/fakes";
import { WA } from "../support/gateway";

const tmuxSocket = `xin-e2e-${process.pid}`;
const tmux = (...args: string[]) =>
  Bun.spawnSync(["tmux", "-L", tmuxSocket, ...args], { stdout: "pipe", stderr: "pipe" });
const screen = () => tmux("capture-pane", "-p", "-t", "queue").stdout.toString();
const keys = (...k: string[]) => tmux("send-keys", "-t", "queue", ...k);

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
    await Bun.sleep(50);
  }
};

let dir = "";
let server: Serving | null = null;
let db: (TestDb & { dispose(): Promise<void> }) | null = null;
let meta: MetaGraphFake;
let seeded: Seeded;
let agentToken = "";
let agentTokenId = "";
let xinPath = "";
let configPath = "";

beforeAll(async () => {
  const lone = await loneBinary();
  dir = lone.dir;
  meta = startMetaGraphFake({ accessToken: WA.access_token });
  db = await createTestDb("external");
  const url = "url" in db.target ? db.target.url : "";
  const port = freePort();
  const init = run(lone.xin, [
    "init",
    "--yes",
    "--data-dir",
    join(dir, "data"),
    "--tenant",
    "acme",
    "--brand",
    "Acme Shoes",
    "--port",
    String(port),
    "--database-url",
    url,
    "--json",
  ]);
  expect(init.code).toBe(0);
  const config = JSON.parse(init.stdout).config as string;
  const instanceKey = /^XIN_INSTANCE_KEY=(.+)$/m.exec(readFileSync(join(dir, "data/xin.env"), "utf8"))?.[1] ?? "";
  seeded = await seedEscalation(db.db, {
    apiBase: meta.baseUrl,
    instanceKey,
    phoneNumberId: WA.phone_number_id,
    waId: "4917000000077",
  });
  server = await serve(lone.xin, config, port);
  // The agent's token comes from the CLI, through the running server.
  const [tenant] = await db.sql`select name from tenants where id = ${seeded.tenantId}`;
  const created = run(lone.xin, [
    "token",
    "create",
    "--role",
    "agent",
    "--tenant",
    tenant.name,
    "--name",
    "alice",
    "--ttl",
    "1d",
    "--config",
    config,
    "--json",
  ]);
  expect(created.code).toBe(0);
  ({ token: agentToken, id: agentTokenId } = JSON.parse(created.stdout));
  xinPath = lone.xin;
  configPath = config;
  const launcher = join(dir, "queue.sh");
  writeFileSync(
    launcher,
    `#!/bin/sh\nexport XIN_URL=${server.url} XIN_TOKEN=${agentToken} TERM=xterm-256color\nexec ${lone.xin} queue --poll 300\n`,
    { mode: 0o755 },
  );
  expect(tmux("new-session", "-d", "-s", "queue", "-x", "80", "-y", "24", launcher).exitCode).toBe(0);
}, 120_000);

afterAll(async () => {
  tmux("kill-server");
  if (server && server.proc.exitCode === null) await server.stop();
  await meta.stop();
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test("an agent approves the AI draft with keystrokes: one message to WhatsApp, audited", async () => {
  await until("the queue", () => screen().includes("needs authorization"));
  const list = screen();
  writeFileSync("/tmp/xin-queue-list.txt", list);
  expect(list).toContain("● live");
  expect(list).toContain("approve & send");
  keys("?");
  await until("help", () => screen().includes("Keys"));
  writeFileSync("/tmp/xin-queue-help.txt", screen());
  keys("Escape");
  await until("help closed", () => !screen().includes("Keys"));
  keys("Enter");
  await until("the conversation", () => screen().includes("can I get a refund?") && screen().includes("returns.md"));
  writeFileSync("/tmp/xin-queue-detail.txt", screen());
  keys("a");
  await until("the confirmation", () => screen().includes("Send the AI draft"));
  keys("y");
  await until("sent", () => screen().includes("Draft sent to the customer."));
  const sends = () =>
    meta.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/${WA.phone_number_id}/messages`));
  await until("the provider got it", () => sends().length >= 1);
  keys("a", "y"); // nothing left to approve: no second send
  await Bun.sleep(1000);
  expect(sends().length).toBe(1);
  const body = (sends()[0] as unknown as { body: { to: string; text: { body: string } } }).body;
  expect(body.to).toBe("+4917000000077");
  expect(body.text.body).toContain("full refund");
  const [msg] = await db!
    .sql`select status, metadata->>'author' as author from messages where conversation_id = ${seeded.conversationId} and direction = 'out'`;
  expect(msg).toMatchObject({ status: "sent", author: "human" });
  const audit = await db!
    .sql`select a.action, a.actor, t.name from audit_log a join tokens t on a.actor = 'token:' || t.id where a.subject_id = ${seeded.escalationId}`;
  expect(audit.map((a) => [a.action, a.name])).toEqual([["escalation.approve", "alice"]]);
  // Revoking the agent's token (CLI, through the server) locks the running queue out at once.
  const listed = run(xinPath, ["token", "list", "--config", configPath, "--json"]);
  expect(JSON.parse(listed.stdout).map((t: { name: string }) => t.name)).toContain("alice");
  expect(run(xinPath, ["token", "revoke", agentTokenId, "--config", configPath]).code).toBe(0);
  await until("locked out", () => screen().includes("token refused"));
  writeFileSync("/tmp/xin-queue-revoked.txt", screen());
  keys("q");
  await until("quit", () => tmux("has-session", "-t", "queue").exitCode !== 0, 5000);
}, 60_000);
