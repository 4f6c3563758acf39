// The installed unit's ExecStart, run as systemd would run it (its WorkingDirectory, its EnvironmentFile),
// starts the lone compiled binary to /readyz and stops cleanly on SIGTERM (KillMode=mixed sends it to xin
// alone). This host has no systemd as PID 1, so the unit's own lines are parsed and executed here.
import { afterAll, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnvFile } from "../../src/runtime/config";
import { executeStep } from "../../src/cli/systemd/execute";
import { renderUnit } from "../../src/cli/systemd/unit";
import { freePort, loneBinary, run } from "../support/binary";

const { dir, xin } = await loneBinary();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const directive = (unit: string, key: string): string => {
  const m = new RegExp(`^${key}=(.*)$`, "m").exec(unit);
  if (!m) throw new Error(`the unit has no ${key}=`);
  return m[1];
};

test("ExecStart of the rendered unit serves the instance and drains on SIGTERM", async () => {
  const port = freePort();
  const dataDir = join(dir, "var-lib-xin");
  const config = join(dataDir, "xin.toml");
  const envFile = join(dir, "xin.env");
  expect(run(xin, ["init", "--yes", "--data-dir", dataDir, "--config", config, "--port", String(port)]).code).toBe(0);
  // The operator's env file: systemd passes it to the process environment, where config keys are read.
  writeFileSync(envFile, "# operator secrets\nXIN_INSTANCE_NAME=from-env-file\n", { mode: 0o600 });

  const unit = renderUnit({
    user: "xin",
    group: "xin",
    binary: xin,
    config,
    dataDir,
    envFile,
    unitFile: join(dir, "xin.service"),
  });
  const argv = directive(unit, "ExecStart").split(" ");
  expect(argv.slice(0, 2)).toEqual([xin, "serve"]);
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: dataDir,
    ...parseEnvFile(await Bun.file(directive(unit, "EnvironmentFile").replace(/^-/, "")).text()),
  };
  const proc = Bun.spawn(argv, { cwd: directive(unit, "WorkingDirectory"), env, stdout: "pipe", stderr: "pipe" });
  try {
    await executeStep({ kind: "wait-ready", url: `http://127.0.0.1:${port}/readyz`, timeoutMs: 45_000 });
    const status = run(xin, ["status", "--json", "--config", config]);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      instance: { name: string };
      server: { running: boolean; pid: number };
    };
    expect(parsed.server.running).toBe(true);
    expect(parsed.server.pid).toBe(proc.pid);
    // The name comes from the server (the CLI itself never read the env file).
    expect(parsed.instance.name).toBe("from-env-file");
  } finally {
    proc.kill("SIGTERM");
  }
  expect(await proc.exited).toBe(0);
  expect(await new Response(proc.stdout).text()).toContain('"msg":"xin stopped"');
});

test("`xin systemd unit` prints the embedded template rendered; `install --dry-run` prints the plan and changes nothing", () => {
  const printed = run(xin, ["systemd", "unit", "--user", "chat"]);
  expect(printed.code).toBe(0);
  expect(printed.stdout).toBe(
    renderUnit({
      user: "chat",
      group: "chat",
      binary: "/usr/local/bin/xin",
      config: "/var/lib/xin/xin.toml",
      dataDir: "/var/lib/xin",
      envFile: "/etc/xin/xin.env",
      unitFile: "/etc/systemd/system/xin.service",
    }),
  );

  const before = ["/usr/local/bin/xin", "/etc/systemd/system/xin.service", "/etc/xin/xin.env"].map((p) =>
    existsSync(p),
  );
  const plan = run(xin, ["systemd", "install", "--dry-run"]);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain("nothing was changed");
  expect(plan.stdout).toContain(`install -m 0755 ${xin} /usr/local/bin/xin`);
  expect(plan.stdout).toContain("systemctl restart xin.service");
  expect(plan.stdout).toMatch(/wait until http:\/\/127\.0\.0\.1:\d+\/readyz/);
  expect(
    ["/usr/local/bin/xin", "/etc/systemd/system/xin.service", "/etc/xin/xin.env"].map((p) => existsSync(p)),
  ).toEqual(before);

  const bad = run(xin, ["systemd", "install", "--dry-run", "--user", "Bad User"]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('"Bad User" is not a valid user name');
});
