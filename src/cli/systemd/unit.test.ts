import { describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultPaths, renderUnit, type UnitPaths } from "./unit";

const dir = mkdtempSync(join(tmpdir(), "xin-unit-"));
// verify needs ExecStart's file to exist and be executable; its content does not matter to systemd-analyze.
const binary = join(dir, "xin");
writeFileSync(binary, "#!/bin/sh\nexit 0\n");
chmodSync(binary, 0o755);

const analyze = (args: string[], unit: string) => {
  const file = join(mkdtempSync(join(dir, "u-")), "xin.service");
  writeFileSync(file, unit);
  const r = Bun.spawnSync(["systemd-analyze", ...args, file], { stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
};

const exposure = (stdout: string): number => {
  const m = /Overall exposure level for xin\.service: ([0-9.]+)/.exec(stdout);
  if (!m) throw new Error(`no exposure line in: ${stdout.slice(-300)}`);
  return Number(m[1]);
};

describe("the rendered systemd unit", () => {
  const paths: UnitPaths = { ...defaultPaths(), binary };
  const unit = renderUnit(paths);

  test("fills every placeholder and keeps Bun's JIT (no MemoryDenyWriteExecute)", () => {
    expect(unit).not.toMatch(/@[A-Z_]+@/);
    expect(unit).toContain(`ExecStart=${binary} serve --config /var/lib/xin/xin.toml`);
    expect(unit).toContain("User=xin\nGroup=xin\n");
    expect(unit).toContain("ReadWritePaths=/var/lib/xin\n");
    expect(unit).toContain("EnvironmentFile=-/etc/xin/xin.env\n");
    expect(unit).toContain("AmbientCapabilities=CAP_NET_BIND_SERVICE\n");
    expect(unit).toContain("ProtectSystem=strict\n");
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=/m);
  });

  // verify reports unknown keys and bad values only as warnings with exit code 0: any stderr fails.
  test("passes systemd-analyze verify with no warning", () => {
    const r = analyze(["verify"], unit);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  test("verify catches a broken unit (the check can fail)", () => {
    const r = analyze(["verify"], unit.replace("Restart=on-failure", "Restart=sometimes"));
    expect(r.stderr).toContain("restart specifier");
  });

  test("scores at most 2.0 in systemd-analyze security --offline", () => {
    const r = analyze(["security", "--offline=yes", "--threshold=20"], unit);
    expect(r.code).toBe(0);
    expect(exposure(r.stdout)).toBeLessThanOrEqual(2.0);
  });

  test("the same unit without its sandbox scores far worse (the gate can fail)", () => {
    const bare = unit
      .split("\n")
      .filter(
        (l) =>
          !/^(Protect|Private|Restrict|SystemCall|Capability|NoNewPrivileges|Lock|Remove|Device|Keyring|SecureBits|UMask)/.test(
            l,
          ),
      )
      .join("\n");
    const r = analyze(["security", "--offline=yes", "--threshold=20"], bare);
    expect(r.code).not.toBe(0);
    expect(exposure(r.stdout)).toBeGreaterThan(5);
  });

  test.each([
    ["a user name that injects a line", { user: "xin\nExecStartPre=/bin/sh" }, "not a valid user name"],
    ["a relative binary", { binary: "xin" }, "must be absolute"],
    ["a path with a space", { config: "/etc/my xin/xin.toml" }, "must be absolute, without spaces"],
    ["a systemd specifier", { dataDir: "/var/lib/%n" }, "% characters"],
  ])("refuses %s", (_name, override, message) => {
    expect(() => renderUnit({ ...paths, ...override })).toThrow(message);
  });
});
