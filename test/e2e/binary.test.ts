// The executable, as a user runs it: copied alone into an empty folder, no node_modules.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, loneBinary, run, runAsync, serve, type Serving } from "../support/binary";

let dir = "";
let xin = "";
let port = 0;
let config = "";
let first: Serving | null = null;

beforeAll(async () => {
  ({ dir, xin } = await loneBinary());
  port = freePort();
  config = join(dir, "data/xin.toml");
});

afterAll(async () => {
  if (first && first.proc.exitCode === null) await first.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("dist/xin", () => {
  test("--version, --help and help for every subcommand exit 0; a usage error exits 2", async () => {
    const commands = [
      "init",
      "serve",
      "status",
      "doctor",
      "backup",
      "restore",
      "systemd",
      "migrate",
      "ingest",
      "search",
      "knowledge",
      "channel",
      "eval",
      "widget",
    ];
    // Independent runs, side by side: each start of the binary costs about a second.
    const [version, help, unknown, badPort, ...subs] = await Promise.all(
      [
        ["--version"],
        ["--help"],
        ["frobnicate"],
        ["init", "--yes", "--port", "http"],
        ...commands.map((cmd) => [cmd, "--help"]),
      ].map((args) => runAsync(xin, args)),
    );
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(help.code).toBe(0);
    for (const [i, cmd] of commands.entries()) {
      expect(help.stdout).toContain(cmd);
      expect({ cmd, code: subs[i].code }).toEqual({ cmd, code: 0 });
      expect(subs[i].stdout).toContain(`Usage: xin ${cmd}`);
    }
    expect(unknown.code).toBe(2);
    expect(badPort.code).toBe(2);
  });

  test("init --yes writes config, a 0600 secrets file, the store, tenant and brand; re-running refuses", () => {
    const r = run(xin, [
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
      "--json",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ store: "embedded", tenant: { name: "acme" }, brand: { name: "Acme Shoes" }, config });
    const env = readFileSync(join(dir, "data/xin.env"), "utf8");
    expect(env).toMatch(/^XIN_INSTANCE_KEY=.{32,}$/m);
    expect(env).toContain(`XIN_ADMIN_TOKEN=${out.admin_token}`);
    expect(statSync(join(dir, "data/xin.env")).mode & 0o777).toBe(0o600);
    const again = run(xin, ["init", "--yes", "--data-dir", join(dir, "data")]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("--force");
  });

  test("init on a terminal asks for what the flags did not give, and accepts answers typed ahead", async () => {
    const inst = join(dir, "asked");
    // `script` gives the command a real terminal, as an operator's ssh session would.
    const p = Bun.spawn(["script", "-qc", `${xin} init`, "/dev/null"], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "", HOME: dir },
    });
    p.stdin.write(`${inst}\nAcme\nAcme Boots\n${port + 1}\nhttps://chat.acme.example\n`);
    await p.stdin.end();
    const out = await new Response(p.stdout).text();
    expect(await p.exited).toBe(0);
    expect(out).toContain("tenant (your company or client) [default]:");
    expect(out).toContain("xin instance created in " + inst);
    const toml = readFileSync(join(inst, "xin.toml"), "utf8");
    expect(toml).toContain(`port = ${port + 1}`);
    expect(toml).toContain('public_url = "https://chat.acme.example"');
  });

  test("serve answers /readyz 200; a second serve on the same data dir fails cleanly and the first keeps serving", async () => {
    first = await serve(xin, config, port);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    // Opened in a browser, the address shows what this is, whether it is ready and where to go next.
    const home = await fetch(`${first.url}/`);
    expect(home.headers.get("content-type")).toStartWith("text/html");
    const html = await home.text();
    expect(html).toContain("Ready: answering");
    expect(html).toContain('href="/api/v1/openapi.json"');
    expect(html).toMatch(/version \d+\.\d+/);
    const icon = await fetch(`${first.url}/favicon.ico`);
    expect([icon.status, icon.headers.get("content-type")]).toEqual([200, "image/svg+xml"]);
    const second = run(xin, ["serve", "--config", config]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`another xin (pid ${first.proc.pid}`);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  });

  test("status and migrate go through the running server's API; --json prints one document", async () => {
    const status = run(xin, ["status", "--config", config, "--json"]);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s.server).toMatchObject({ running: true, pid: first!.proc.pid });
    expect(s.store.kind).toBe("embedded");
    expect(s.tenants.map((t: { name: string }) => t.name)).toEqual(["acme"]);
    expect(s.counts).toEqual({ conversations: 0, messages_in: 0, messages_out: 0, escalations_open: 0 });
    expect(Object.keys(s.queue.by_state).sort()).toEqual(["dead", "done", "queued", "running"]);
    expect(s.polling).toEqual([]); // no channel polls here; a failing one would be listed with its last error
    const migrate = run(xin, ["migrate", "--config", config, "--json"]);
    expect(JSON.parse(migrate.stdout)).toMatchObject({ via: "server", status: { pending: [] } });
  });

  test("/metrics speaks Prometheus text with requests, latency, queue depth and memory", async () => {
    await fetch(`${first!.url}/healthz`);
    const text = await (await fetch(`${first!.url}/metrics`)).text();
    expect(text).toContain('xin_http_requests_total{route="/healthz",method="GET",status="200"}');
    expect(text).toContain("xin_http_request_duration_seconds_bucket");
    expect(text).toContain("# TYPE xin_queue_jobs gauge");
    expect(text).toMatch(/xin_process_resident_memory_bytes \d+/);
  });

  test("SIGTERM exits 0; the data survives a restart; status then reads the store directly", async () => {
    const before = JSON.parse(run(xin, ["status", "--config", config, "--json"]).stdout).instance.id;
    expect(await first!.stop()).toBe(0);
    const offline = JSON.parse(run(xin, ["status", "--config", config, "--json"]).stdout);
    expect(offline.server.running).toBe(false);
    expect(offline.instance.id).toBe(before);
    first = await serve(xin, config, port);
    const after = JSON.parse(run(xin, ["status", "--config", config, "--json"]).stdout);
    expect(after.instance.id).toBe(before);
    expect(after.tenants.map((t: { name: string }) => t.name)).toEqual(["acme"]);
    expect(await first.stop()).toBe(0);
  });

  test("bad config, an unwritable data dir and a port in use: one clear error and exit 1", async () => {
    const bad = join(dir, "bad.toml");
    writeFileSync(bad, `data_dir = "${join(dir, "data")}"\n[server]\nport = "eighty"\n`);
    const r = run(xin, ["serve", "--config", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("server.port (in " + bad + "): ");
    expect(r.stderr).toContain('got "eighty"; set e.g. 8080');
    expect(r.stderr).not.toContain("    at "); // no stack trace

    const envOverride = run(xin, ["serve", "--config", config], { env: { XIN_LOG__LEVEL: "chatty" } });
    expect(envOverride.code).toBe(1);
    expect(envOverride.stderr).toContain("log.level (XIN_LOG__LEVEL)");

    // A data dir under a regular file cannot be created, by root or anyone.
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const underFile = run(xin, ["init", "--yes", "--data-dir", join(blocker, "inst")]);
    expect(underFile.code).toBe(1);
    expect(underFile.stderr).toContain("cannot write to the data dir");

    if (process.getuid?.() === 0) {
      // As root, PostgreSQL runs as the service user, which must be able to enter every parent folder.
      const privateDir = join(dir, "private");
      mkdirSync(privateDir, { mode: 0o700 });
      const hidden = run(xin, ["init", "--yes", "--data-dir", join(privateDir, "inst")]);
      expect(hidden.code).toBe(1);
      expect(hidden.stderr).toContain(
        `the user xin, which runs the embedded PostgreSQL, cannot enter ${privateDir} (mode 700)`,
      );
      expect(existsSync(join(privateDir, "inst"))).toBe(false); // nothing half-made
    }

    const squatter = Bun.serve({ hostname: "0.0.0.0", port, fetch: () => new Response("busy") });
    try {
      const busy = run(xin, ["serve", "--config", config]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`port ${port} on 0.0.0.0 is already in use`);
      expect(busy.stderr).toContain("XIN_SERVER__PORT");
    } finally {
      squatter.stop(true);
    }
  });
});
