// `xin channel ...` as a user runs it on an instance with no server running (directly on the store),
// against fake provider APIs on loopback.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMetaGraphFake, startTelegramFake, type MetaGraphFake, type TelegramFake } from "../support/fakes";
import { freePort, waitReady } from "../support/binary";
import { TG, WA } from "../support/gateway";

const root = join(import.meta.dir, "../..");
let dir = "";
let config = "";
let telegram: TelegramFake;
let meta: MetaGraphFake;

// Async on purpose: the fake providers answer from this process's event loop.
const xin = async (...args: string[]) => {
  const p = Bun.spawn([process.execPath, join(root, "src/cli/main.ts"), ...args, "--config", config], {
    env: { PATH: process.env.PATH ?? "", HOME: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xin-chan-"));
  chmodSync(dir, 0o755);
  config = join(dir, "data/xin.toml");
  const init = Bun.spawnSync([
    process.execPath,
    join(root, "src/cli/main.ts"),
    "init",
    "--yes",
    "--data-dir",
    join(dir, "data"),
    "--brand",
    "Acme Shoes",
    "--public-url",
    "https://chat.acme.example",
  ]);
  expect(init.exitCode).toBe(0);
  telegram = startTelegramFake({ token: TG.bot_token });
  meta = startMetaGraphFake({ accessToken: WA.access_token });
});
afterAll(async () => {
  await telegram.stop();
  await meta.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("telegram in webhook mode: stored encrypted, secret generated, setWebhook called with the public URL and that secret", async () => {
  const r = await xin(
    "channel",
    "add",
    "telegram",
    "--brand",
    "acme-shoes",
    "--bot-token",
    TG.bot_token,
    "--api-base",
    telegram.url,
    "--json",
  );
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.webhook_path).toBe(`/webhooks/telegram/${out.id}`);
  expect(out.webhook_url).toBe(`https://chat.acme.example/webhooks/telegram/${out.id}`);
  expect(out.connect).toContain("webhook set to");
  expect(out.verified).toContain("accepted the token");
  expect(out.next).toContain("nothing: Telegram was told the webhook URL");
  const set = telegram.requests.find((q) => q.path.endsWith("/setWebhook"));
  expect(set?.body?.url).toBe(out.webhook_url);
  expect(String(set?.body?.secret_token)).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  // The bot token never lands in the database files (tables or WAL) in clear text: it is sealed.
  const grep = Bun.spawnSync(["grep", "-rlF", TG.bot_token, join(dir, "data/pg")]);
  expect(grep.stdout.toString()).toBe("");
  const sealedProbe = Bun.spawnSync(["grep", "-rlF", "chn_", join(dir, "data/pg")]);
  expect(sealedProbe.stdout.toString()).not.toBe(""); // the grep itself can find what is stored
  const test2 = await xin("channel", "test", out.id, "--json");
  expect(JSON.parse(test2.stdout).result).toContain("accepted the token");
  const list = await xin("channel", "list", "--json");
  expect(JSON.parse(list.stdout).map((c: { id: string }) => c.id)).toContain(out.id);
  expect(list.stdout).not.toContain(TG.bot_token);
});

test("whatsapp: a missing app secret is refused, naming the key; with it, the token is checked against the Graph API", async () => {
  const missing = await xin(
    "channel",
    "add",
    "whatsapp",
    "--brand",
    "acme-shoes",
    "--phone-number-id",
    WA.phone_number_id,
    "--access-token",
    WA.access_token,
    "--verify-token",
    "v",
  );
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("app_secret");
  const ok = await xin(
    "channel",
    "add",
    "whatsapp",
    "--brand",
    "acme-shoes",
    "--phone-number-id",
    WA.phone_number_id,
    "--access-token",
    WA.access_token,
    "--app-secret",
    WA.app_secret,
    "--verify-token",
    "v",
    "--api-base",
    meta.baseUrl,
    "--json",
  );
  expect(ok.code).toBe(0);
  const id = JSON.parse(ok.stdout).id;
  expect(JSON.parse((await xin("channel", "test", id, "--json")).stdout).result).toContain(WA.phone_number_id);
  const again = await xin(
    "channel",
    "add",
    "whatsapp",
    "--brand",
    "acme-shoes",
    "--phone-number-id",
    WA.phone_number_id,
    "--access-token",
    "x",
    "--app-secret",
    "y",
    "--verify-token",
    "v",
  );
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("already connected");
  expect((await xin("channel", "remove", id)).code).toBe(0);
  expect((await xin("channel", "show", id)).code).toBe(1);
});

test("web: origins are validated; unknown providers and bad modes are usage errors", async () => {
  const web = await xin("channel", "add", "web", "--brand", "acme-shoes", "--origin", "https://shop.example");
  expect(web.code).toBe(0);
  // What a web channel needs next is the snippet, not a webhook in some provider's dashboard.
  expect(web.stdout).toContain("xin widget snippet");
  expect(web.stdout).not.toContain("Meta");
  expect(web.stdout).not.toContain("webhook URL");
  expect((await xin("channel", "add", "web", "--brand", "acme-shoes", "--origin", "not a url")).code).toBe(2);
  expect((await xin("channel", "add", "fax", "--brand", "acme-shoes")).code).toBe(2);
  expect(
    (
      await xin(
        "channel",
        "add",
        "telegram",
        "--brand",
        "acme-shoes",
        "--bot-token",
        TG.bot_token,
        "--mode",
        "carrier-pigeon",
      )
    ).code,
  ).toBe(2);
  expect((await xin("channel", "add", "web", "--brand", "no-such-brand", "--origin", "https://x.example")).code).toBe(
    1,
  );
});

test("telegram in polling mode needs nothing more; an unreachable provider leaves the credentials 'not verified'", async () => {
  const polling = await xin(
    "channel",
    "add",
    "telegram",
    "--brand",
    "acme-shoes",
    "--bot-token",
    "42:polling-bot-token-aaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "--mode",
    "polling",
    "--api-base",
    telegram.url,
  );
  expect(polling.code).toBe(0);
  expect(polling.stdout).toContain("xin serve fetches the bot's updates itself");
  expect(polling.stdout).not.toContain("Meta");
  const pollingId = /chn_[A-Za-z0-9_-]+/.exec(polling.stdout)?.[0] ?? "";
  const shown = await xin("channel", "show", pollingId);
  expect(shown.code, shown.stderr).toBe(0);
  expect(shown.stdout).toMatch(/mode\s+polling/);
  expect(JSON.parse((await xin("channel", "show", pollingId, "--json")).stdout).mode).toBe("polling");
  const unreachable = await xin(
    "channel",
    "add",
    "instagram",
    "--brand",
    "acme-shoes",
    "--ig-user-id",
    "17841400000000001",
    "--access-token",
    "t",
    "--app-secret",
    "s",
    "--verify-token",
    "v",
    "--api-base",
    "http://127.0.0.1:1",
    "--json",
  );
  expect(unreachable.code).toBe(0); // stored: the provider may only be down; the report says it is unchecked
  const out = JSON.parse(unreachable.stdout);
  expect(out.verified).toStartWith("not verified: could not check with Instagram");
  expect(out.next).toContain(`callback URL https://chat.acme.example/webhooks/instagram/${out.id}`);
  // `channel test` names where it tried and what to check.
  const tested = await xin("channel", "test", out.id);
  expect(tested.code).toBe(1);
  expect(tested.stderr).toContain("Instagram at http://127.0.0.1:1");
  expect(tested.stderr).toContain("check that this machine reaches http://127.0.0.1:1");
  // A token the provider refuses is said to be refused, not merely unchecked.
  const refused = await xin(
    "channel",
    "add",
    "telegram",
    "--bot-token",
    "43:refused-token-bbbbbbbbbbbbbbbbbbbbbbbbbb",
    "--mode",
    "polling",
    "--api-base",
    telegram.url,
    "--json",
  );
  expect(refused.code, refused.stdout + refused.stderr).toBe(0);
  expect(JSON.parse(refused.stdout).verified).toStartWith("REFUSED by Telegram");
});

test("through a running server, channel add reports the same: Telegram connected, webhook URL, credentials checked", async () => {
  const serverDir = mkdtempSync(join(tmpdir(), "xin-chan-srv-"));
  chmodSync(serverDir, 0o755);
  const port = freePort();
  const serverConfig = join(serverDir, "data/xin.toml");
  const init = Bun.spawnSync([
    process.execPath,
    join(root, "src/cli/main.ts"),
    "init",
    "--yes",
    "--data-dir",
    join(serverDir, "data"),
    "--brand",
    "Kite Shop",
    "--port",
    String(port),
    "--public-url",
    "https://kites.example",
  ]);
  expect(init.exitCode).toBe(0);
  const server = Bun.spawn([process.execPath, join(root, "src/cli/main.ts"), "serve", "--config", serverConfig], {
    env: { PATH: process.env.PATH ?? "", HOME: serverDir },
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    await waitReady(`http://127.0.0.1:${port}`, server);
    const p = Bun.spawn(
      [
        process.execPath,
        join(root, "src/cli/main.ts"),
        "channel",
        "add",
        "telegram",
        "--bot-token",
        TG.bot_token,
        "--api-base",
        telegram.url,
        "--json",
        "--config",
        serverConfig,
      ],
      { env: { PATH: process.env.PATH ?? "", HOME: serverDir }, stdout: "pipe", stderr: "pipe" },
    );
    const [stdout, stderr, code] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
      p.exited,
    ]);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.webhook_url).toBe(`https://kites.example/webhooks/telegram/${out.id}`);
    expect(out.connect).toContain("webhook set to");
    expect(out.verified).toContain("accepted the token");
    const set = telegram.requests.filter((q) => q.path.endsWith("/setWebhook")).map((q) => q.body?.url);
    expect(set).toContain(out.webhook_url);
    // `channel show` through the server says how the channel receives messages, as without one.
    const show = Bun.spawn(
      [process.execPath, join(root, "src/cli/main.ts"), "channel", "show", out.id, "--json", "--config", serverConfig],
      { env: { PATH: process.env.PATH ?? "", HOME: serverDir }, stdout: "pipe", stderr: "pipe" },
    );
    const [shown, showErr, showCode] = await Promise.all([
      new Response(show.stdout).text(),
      new Response(show.stderr).text(),
      show.exited,
    ]);
    expect(showCode, showErr).toBe(0);
    expect(JSON.parse(shown)).toMatchObject({ id: out.id, provider: "telegram", mode: "webhook" });
  } finally {
    server.kill("SIGTERM");
    await server.exited;
    rmSync(serverDir, { recursive: true, force: true });
  }
}, 60_000);
