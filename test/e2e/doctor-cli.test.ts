// `xin doctor` on the lone compiled binary, as an operator runs it: a fresh embedded instance passes
// (exit 0), a running server is recognised as the port's owner and checked through its admin API, and
// a broken config, a port taken by another program and a rejected LLM key each fail (exit 1).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startOpenAIFake } from "../support/fakes/openai";
import { startTelegramFake } from "../support/fakes/telegram-bot-api";
import { TG } from "../support/gateway";
import { freePort, loneBinary, run, serve } from "../support/binary";

type Report = { ok: boolean; checks: { name: string; status: string; detail: string; fix: string | null }[] };

let dir = "";
let xin = "";
let config = "";
let port = 0;
const llm = startOpenAIFake({ apiKey: "sk-right", models: ["gpt-fake"] });
const telegram = startTelegramFake({ token: TG.bot_token });

// Async: the LLM fake answers from this process's event loop.
const doctor = async (configFile = config, env: Record<string, string> = {}) => {
  const p = Bun.spawn([xin, "doctor", "--json", "--config", configFile], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, report: JSON.parse(stdout) as Report, stderr };
};
const check = (r: Report, name: string) => r.checks.find((c) => c.name === name);

beforeAll(async () => {
  ({ dir, xin } = await loneBinary());
  port = freePort();
  config = join(dir, "data/xin.toml");
  expect(
    run(xin, [
      "init",
      "--yes",
      "--data-dir",
      join(dir, "data"),
      "--port",
      String(port),
      "--public-url",
      "https://chat.example.com",
    ]).code,
  ).toBe(0);
}, 60_000); // init starts the embedded PostgreSQL: beyond the 5 s hook default on a loaded machine
afterAll(async () => {
  await llm.stop();
  await telegram.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a fresh embedded instance passes: exit 0, store opened directly, port free, migrations applied", async () => {
  const { code, report } = await doctor();
  expect(code).toBe(0);
  expect(report.ok).toBe(true);
  expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
  expect(check(report, "store")?.detail).toBe("embedded PostgreSQL reachable directly");
  expect(check(report, "port")?.detail).toBe(`0.0.0.0:${port} is free`);
  expect(check(report, "migrations")?.status).toBe("ok");
  expect(check(report, "public url")).toMatchObject({ status: "ok", detail: "https://chat.example.com" });
  // A warning, not a failure: exit 0 still.
  expect(check(report, "last backup")).toMatchObject({ status: "warn", detail: "no backup of this instance yet" });
});

test("with xin serving: the port is ours, the store and the channels' webhooks are checked through the running server", async () => {
  const server = await serve(xin, config, port);
  try {
    // Async: the Telegram fake answers from this process's event loop.
    const add = Bun.spawn(
      [
        xin,
        "channel",
        "add",
        "telegram",
        "--bot-token",
        TG.bot_token,
        "--api-base",
        telegram.url,
        "--name",
        "support",
        "--json",
        "--config",
        config,
      ],
      { env: { PATH: process.env.PATH ?? "", HOME: dir }, stdout: "pipe", stderr: "pipe" },
    );
    const [added, addErr] = await Promise.all([
      new Response(add.stdout).text(),
      new Response(add.stderr).text(),
      add.exited,
    ]);
    expect(addErr).toBe("");
    const channel = JSON.parse(added) as { id: string; webhook_url: string };
    const { code, report } = await doctor();
    expect(code).toBe(0);
    expect(check(report, "webhook telegram support")).toMatchObject({
      status: "ok",
      detail: `delivers to ${channel.webhook_url}`,
    });
    // Telegram told to deliver elsewhere (another install took the bot): a failure with the fix.
    telegram.setWebhookUrl("https://elsewhere.example.net/hook");
    const moved = await doctor();
    expect(moved.code).toBe(1);
    expect(check(moved.report, "webhook telegram support")).toMatchObject({
      status: "fail",
      fix: `xin channel connect ${channel.id}`,
    });
    telegram.setWebhookUrl(channel.webhook_url);
    expect(check(report, "port")?.detail).toBe(`0.0.0.0:${port} is served by this xin (pid ${server.proc.pid})`);
    expect(check(report, "store")?.detail).toBe(
      `embedded PostgreSQL reachable through the running server (pid ${server.proc.pid})`,
    );
  } finally {
    expect(await server.stop()).toBe(0);
  }
});

test("a port taken by another program fails with exit 1", async () => {
  const other = Bun.listen({ hostname: "0.0.0.0", port, socket: { data() {} } });
  try {
    const { code, report } = await doctor();
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(check(report, "port")).toMatchObject({
      status: "fail",
      detail: `0.0.0.0:${port} is taken by another program`,
    });
  } finally {
    other.stop(true);
  }
});

test("an LLM endpoint that rejects the key fails; the right key passes and the clock is compared with it", async () => {
  const env = { XIN_LLM__BASE_URL: `${llm.url}/v1`, XIN_LLM__MODEL: "gpt-fake" };
  const wrong = await doctor(config, { ...env, XIN_LLM__API_KEY: "sk-wrong" });
  expect(wrong.code).toBe(1);
  expect(check(wrong.report, "llm endpoint")).toMatchObject({
    status: "fail",
    detail: `${llm.url}/v1 refused the API key (HTTP 401)`,
  });
  const right = await doctor(config, { ...env, XIN_LLM__API_KEY: "sk-right" });
  expect(right.code).toBe(0);
  expect(check(right.report, "llm endpoint")?.status).toBe("ok");
  expect(check(right.report, "clock")).toMatchObject({
    status: "ok",
    detail: expect.stringContaining(`${llm.url}/v1`),
  });
});

test("a broken config fails alone (nothing else can be judged) with the key and the fix", async () => {
  const broken = join(dir, "broken.toml");
  writeFileSync(broken, readFileSync(config, "utf8").replace(/^port = \d+$/m, 'port = "eighty"'));
  const { code, report } = await doctor(broken);
  expect(code).toBe(1);
  expect(report.checks).toHaveLength(1);
  expect(report.checks[0].name).toBe("config");
  expect(report.checks[0].status).toBe("fail");
  expect(report.checks[0].detail).toContain("server.port");
  expect(report.checks[0].fix).toBeTruthy();
});

test("an unreachable external store fails", async () => {
  const { code, report } = await doctor(config, { XIN_DATABASE__URL: `postgres://xin@127.0.0.1:${freePort()}/xin` });
  expect(code).toBe(1);
  expect(check(report, "store")).toMatchObject({ status: "fail", detail: expect.stringContaining("not reachable") });
});
