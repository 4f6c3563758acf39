import { describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isXinError } from "../errors";
import { loadConfig, parseEnvFile } from "./load";

const KEY = "k".repeat(43);

const write = (toml: string, envFile?: string, mode = 0o600) => {
  const dir = mkdtempSync(join(tmpdir(), "xin-config-"));
  writeFileSync(join(dir, "xin.toml"), toml);
  if (envFile !== undefined) {
    writeFileSync(join(dir, "xin.env"), envFile);
    chmodSync(join(dir, "xin.env"), mode);
  }
  return { dir, path: join(dir, "xin.toml") };
};

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (isXinError(e)) return e;
    throw e;
  }
  throw new Error("expected an error");
};

describe("loadConfig", () => {
  test("file, env file and environment merge in that order, with defaults", () => {
    const { dir, path } = write(
      `data_dir = "."\n[server]\nport = 9000\n`,
      `XIN_INSTANCE_KEY=${KEY}\nXIN_SERVER__HOST=127.0.0.1\n`,
    );
    const config = loadConfig({ path, env: { XIN_SERVER__HOST: "::1" } });
    expect(config.data_dir).toBe(dir);
    expect(config.server.port).toBe(9000);
    expect(config.server.host).toBe("::1");
    expect(config.instance_key).toBe(KEY);
    expect(config.queue.max_attempts).toBe(8);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("every problem is named with key, origin, value and fix", () => {
    const { path } = write(`data_dir = "/tmp/x"\ninstance_key = "${KEY}"\n[server]\nprot = 1\n`);
    const error = errorOf(() => loadConfig({ path, env: { XIN_SERVER__PORT: "abc", XIN_LOG__LEVEL: "loud" } }));
    expect(error.code).toBe("config.invalid");
    expect(error.message).toContain("server.prot (in " + path + "): unknown key");
    expect(error.message).toContain("server.port (XIN_SERVER__PORT):");
    expect(error.message).toContain('got "abc"; set e.g. 8080');
    expect(error.message).toContain("log.level (XIN_LOG__LEVEL)");
    // A misspelt section from the environment names the variable, not the file.
    const misspelt = errorOf(() =>
      loadConfig({ path: write(`data_dir = "/tmp/x"\ninstance_key = "${KEY}"\n`).path, env: { XIN_SERVR__PORT: "1" } }),
    );
    expect(misspelt.message).toContain("servr (XIN_SERVR__PORT): unknown key");
  });

  test("server.trusted_proxies: empty by default, a TOML array, or a comma/space separated env value", () => {
    const base = `data_dir = "/tmp/x"\ninstance_key = "${KEY}"\n`;
    expect(loadConfig({ path: write(base).path, env: {} }).server.trusted_proxies).toEqual([]);
    const toml = write(`${base}[server]\ntrusted_proxies = ["127.0.0.1", "10.0.0.0/8", "fd00::/8"]\n`);
    expect(loadConfig({ path: toml.path, env: {} }).server.trusted_proxies).toEqual([
      "127.0.0.1",
      "10.0.0.0/8",
      "fd00::/8",
    ]);
    const env = loadConfig({
      path: toml.path,
      env: { XIN_SERVER__TRUSTED_PROXIES: " 192.168.0.0/16, ::1 172.16.0.0/12," },
    });
    expect(env.server.trusted_proxies).toEqual(["192.168.0.0/16", "::1", "172.16.0.0/12"]);
    expect(loadConfig({ path: toml.path, env: { XIN_SERVER__TRUSTED_PROXIES: "" } }).server.trusted_proxies).toEqual(
      [],
    );
  });

  test("egress.allow_cidrs: empty by default (the guard is on), a TOML array, or XIN_EGRESS__ALLOW_CIDRS; a bad range is named", () => {
    const base = `data_dir = "/tmp/x"\ninstance_key = "${KEY}"\n`;
    expect(loadConfig({ path: write(base).path, env: {} }).egress.allow_cidrs).toEqual([]);
    const toml = write(`${base}[egress]\nallow_cidrs = ["127.0.0.1/32"]\n`);
    expect(loadConfig({ path: toml.path, env: {} }).egress.allow_cidrs).toEqual(["127.0.0.1/32"]);
    expect(
      loadConfig({ path: toml.path, env: { XIN_EGRESS__ALLOW_CIDRS: "10.0.0.0/8, fd00::/8 127.0.0.1" } }).egress
        .allow_cidrs,
    ).toEqual(["10.0.0.0/8", "fd00::/8", "127.0.0.1"]);
    const bad = errorOf(() => loadConfig({ path: toml.path, env: { XIN_EGRESS__ALLOW_CIDRS: "localhost" } }));
    expect(bad.message).toContain(
      'egress.allow_cidrs (XIN_EGRESS__ALLOW_CIDRS): "localhost" is not an IP address or CIDR range',
    );
    expect(bad.message).toContain("XIN_EGRESS__ALLOW_CIDRS=127.0.0.1/32");
  });

  test("an invalid trusted proxy range names the key, the bad value and the fix", () => {
    const { path } = write(
      `data_dir = "/tmp/x"\ninstance_key = "${KEY}"\n[server]\ntrusted_proxies = ["10.0.0.0/8", "10.0.0/8"]\n`,
    );
    const fromFile = errorOf(() => loadConfig({ path, env: {} }));
    expect(fromFile.code).toBe("config.invalid");
    expect(fromFile.message).toContain(
      `server.trusted_proxies (in ${path}): "10.0.0/8" is not an IP address or CIDR range`,
    );
    expect(fromFile.message).toContain('set e.g. ["127.0.0.1", "10.0.0.0/8"');
    const fromEnv = errorOf(() => loadConfig({ path, env: { XIN_SERVER__TRUSTED_PROXIES: "127.0.0.1,10.0.0.0/33" } }));
    expect(fromEnv.message).toContain(
      'server.trusted_proxies (XIN_SERVER__TRUSTED_PROXIES): "10.0.0.0/33" is not an IP address or CIDR range',
    );
    expect(fromEnv.message).toContain("XIN_SERVER__TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8");
  });

  test("a missing secret says where to set it and never echoes secrets", () => {
    const { path } = write(`data_dir = "/tmp/x"\n`);
    const missing = errorOf(() => loadConfig({ path, env: {} }));
    expect(missing.message).toContain("instance_key (missing; set it in");
    expect(missing.message).toContain("XIN_INSTANCE_KEY");
    const short = errorOf(() => loadConfig({ path, env: { XIN_INSTANCE_KEY: "tooshort-secret" } }));
    expect(short.message).toContain("got [hidden]");
    expect(short.message).not.toContain("tooshort-secret");
  });

  test("missing file, bad TOML and an exposed env file are clear errors", () => {
    expect(errorOf(() => loadConfig({ path: "/nonexistent/xin.toml", env: {} })).code).toBe("config.missing");
    const bad = write(`data_dir = \n`);
    const syntax = errorOf(() => loadConfig({ path: bad.path, env: {} }));
    expect(syntax.message).toContain(`${bad.path}:1:`);
    expect(syntax.message).toContain("is not valid TOML");
    expect(syntax.hint).toMatch(/^fix the syntax at line 1, column \d+$/);
    const exposed = write(`data_dir = "."\n`, `XIN_INSTANCE_KEY=${KEY}\n`, 0o644);
    const error = errorOf(() => loadConfig({ path: exposed.path, env: {} }));
    expect(error.code).toBe("config.env_file_exposed");
    expect(error.hint).toContain("chmod 600");
  });

  test("env file parsing ignores comments and strips quotes", () => {
    expect(parseEnvFile(`# c\nA=1\nB="two words"\n\nC='x=y'\n`)).toEqual({ A: "1", B: "two words", C: "x=y" });
  });
});
