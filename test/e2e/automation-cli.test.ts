// `xin automation list|show|run-now` as a user runs them: with `xin serve` running (through its API; a
// run-now is queued and the server's workers run it) and with no server (on the store, run here).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseEnvFile } from "../../src/runtime/config";
import { freePort, loneBinary, run, serve, type Serving } from "../support/binary";

let dir = "";
let xin = "";
let config = "";
let token = "";
let server: Serving | null = null;
let automationId = "";

type View = { id: string; kind: string; config: Record<string, unknown>; last_run_at: string | null };
const cli = (...args: string[]) => {
  const r = run(xin, ["automation", ...args, "--config", config, "--json"], { cwd: dir, env: { HOME: dir } });
  if (r.code !== 0) throw new Error(`xin automation ${args.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
};

beforeAll(async () => {
  ({ dir, xin } = await loneBinary());
  const port = freePort();
  const dataDir = join(dir, "data");
  config = join(dataDir, "xin.toml");
  expect(run(xin, ["init", "--yes", "--data-dir", dataDir, "--brand", "Kite Shop", "--port", String(port)]).code).toBe(
    0,
  );
  token = parseEnvFile(readFileSync(join(dataDir, "xin.env"), "utf8")).XIN_ADMIN_TOKEN ?? "";
  server = await serve(xin, config, port, { XIN_LOG__LEVEL: "warn" });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${server?.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test("with the server: an unbuilt kind is refused, a follow-up is listed, shown, and run now by the server's workers", async () => {
  const brands = (await (await api("GET", "/api/v1/brands")).json()) as { data: { id: string }[] };
  const brand = brands.data[0].id;
  const refused = await api("POST", "/api/v1/automations", {
    brand,
    kind: "crm_push",
    schedule: "0 3 * * *",
    config: {},
  });
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
    "'crm_push' is not implemented yet",
  );
  const created = await api("POST", "/api/v1/automations", {
    brand,
    kind: "follow_up",
    schedule: "0 9 * * *",
    config: { after_hours: 4, text: "Anything else?" },
  });
  expect(created.status).toBe(201);
  automationId = ((await created.json()) as { id: string }).id;

  expect((cli("list") as View[]).map((a) => [a.id, a.kind])).toEqual([[automationId, "follow_up"]]);
  expect(cli("show", automationId)).toMatchObject({
    id: automationId,
    config: { after_hours: 4, text: "Anything else?" },
    last_run_at: null,
  });
  expect(cli("run-now", automationId)).toMatchObject({ id: automationId, queued: true, job_id: expect.any(Number) });
  const deadline = Date.now() + 10_000;
  let shown = cli("show", automationId) as View;
  while (!shown.last_run_at && Date.now() < deadline) {
    await Bun.sleep(100);
    shown = cli("show", automationId) as View;
  }
  expect(shown.last_run_at).not.toBeNull();
}, 60_000);

test("without a server: run-now runs it on the store and says what it did; show reports the new last run", async () => {
  await server?.stop();
  server = null;
  const before = (cli("show", automationId) as View).last_run_at ?? "";
  expect(cli("run-now", automationId)).toEqual({
    id: automationId,
    queued: false,
    ran: true,
    result: { sent: 0, outside_window: 0 },
  });
  const after = (cli("show", automationId) as View).last_run_at ?? "";
  expect(after > before).toBe(true);
  const missing = run(xin, ["automation", "show", "aut_missing", "--config", config], { cwd: dir, env: { HOME: dir } });
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toContain("no automation aut_missing");
}, 60_000);
