import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isXinError } from "../../runtime";
import { executePlan, executeStep } from "./execute";
import { readFacts } from "./facts";
import { installPlan, uninstallPlan, type Step } from "./plan";
import type { UnitPaths } from "./unit";

// The plan's file steps run for real under a temp root; commands (useradd, systemctl) need a systemd host.
const me = Bun.spawnSync(["id", "-un"]).stdout.toString().trim();
const root = mkdtempSync(join(tmpdir(), "xin-install-"));
const paths: UnitPaths = {
  user: me,
  group: me,
  binary: join(root, "usr/local/bin/xin"),
  config: join(root, "var/lib/xin/xin.toml"),
  dataDir: join(root, "var/lib/xin"),
  envFile: join(root, "etc/xin/xin.env"),
  unitFile: join(root, "etc/systemd/system/xin.service"),
};
const source = join(root, "dist-xin");
const mode = (path: string) => statSync(path).mode & 0o777;
const fileSteps = (steps: Step[]) => steps.filter((s) => s.kind !== "run" && s.kind !== "wait-ready");

describe("executing an install plan", () => {
  test("creates the folders, binary, env file and unit with their modes; a re-install keeps the operator's env file", async () => {
    writeFileSync(source, "#!/bin/sh\necho v1\n");
    Bun.spawnSync(["mkdir", "-p", join(root, "usr/local/bin"), join(root, "etc/systemd/system")]);
    await executePlan(fileSteps(installPlan(paths, readFacts(paths, source))), () => {});
    expect(mode(paths.dataDir)).toBe(0o700);
    expect(mode(paths.binary)).toBe(0o755);
    expect(readFileSync(paths.binary, "utf8")).toContain("echo v1");
    expect(mode(paths.envFile)).toBe(0o600);
    expect(readFileSync(paths.envFile, "utf8")).toContain("XIN_LLM__API_KEY");
    expect(mode(paths.unitFile)).toBe(0o644);
    expect(readFileSync(paths.unitFile, "utf8")).toContain(`ExecStart=${paths.binary} serve --config ${paths.config}`);

    writeFileSync(paths.envFile, "XIN_LLM__API_KEY=sk-operator\n", { mode: 0o600 });
    writeFileSync(source, "#!/bin/sh\necho v2\n");
    const again = installPlan(paths, readFacts(paths, source));
    await executePlan(fileSteps(again), () => {});
    expect(readFileSync(paths.envFile, "utf8")).toBe("XIN_LLM__API_KEY=sk-operator\n");
    expect(readFileSync(paths.binary, "utf8")).toContain("echo v2");
    expect(existsSync(`${paths.binary}.xin-tmp`)).toBe(false);
  });

  test("uninstall --purge removes what install made", async () => {
    await executePlan(fileSteps(uninstallPlan(paths, readFacts(paths, paths.binary), true)), () => {});
    for (const p of [paths.binary, paths.dataDir, paths.envFile, paths.unitFile, join(root, "etc/xin")])
      expect(existsSync(p)).toBe(false);
  });

  test("a failing command stops the plan with systemd.step_failed naming the command", async () => {
    const ran: string[] = [];
    const steps: Step[] = [
      { kind: "run", argv: ["sh", "-c", "echo unit not found >&2; exit 5"], why: "start" },
      { kind: "mkdir", path: join(root, "never"), mode: 0o700, owner: null },
    ];
    const error = await executePlan(steps, (line) => ran.push(line)).catch((e: unknown) => e);
    expect(isXinError(error) && error.code).toBe("systemd.step_failed");
    expect((error as Error).message).toContain("exit 5: unit not found");
    expect(ran).toHaveLength(1);
    expect(existsSync(join(root, "never"))).toBe(false);
  });
});

describe("waiting for /readyz", () => {
  let hits = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(null, { status: ++hits < 3 ? 503 : 200 }),
  });
  const down = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(null, { status: 503 }) });
  afterAll(() => {
    server.stop(true);
    down.stop(true);
  });

  test("returns once the server answers 200", async () => {
    await executeStep({ kind: "wait-ready", url: `http://127.0.0.1:${server.port}/readyz`, timeoutMs: 10_000 });
    expect(hits).toBe(3);
  });

  test("fails with the last answer and where to look when it never gets ready", async () => {
    const error = await executeStep({
      kind: "wait-ready",
      url: `http://127.0.0.1:${down.port}/readyz`,
      timeoutMs: 600,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("not ready: HTTP 503");
    expect(isXinError(error) && error.hint).toContain("journalctl -u xin.service");
  });
});
