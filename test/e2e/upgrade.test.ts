// `xin upgrade` on real processes and a real store: the installed binary is a lone copy of dist/xin
// serving an instance; the "new" binaries are shell wrappers around another copy (one reporting a newer
// version, one whose `serve` writes to the store and then fails to start). Then the refusal: a database
// migrated by a newer xin (applied here with the real migrator and an extra migration) is refused by
// `serve`, `migrate` and a CLI command, naming the migration, the version to run and how to go back.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/runtime";
import { parseEnvFile } from "../../src/runtime/config";
import { migrate, migrations, Store } from "../../src/runtime/db";
import { lockHolder } from "../../src/runtime/instance-lock";
import { ensureBinary, freePort, loneBinary, run, serve } from "../support/binary";

let dir = "";
let xin = "";
let port = 0;
let dataDir = "";
let config = "";
let token = "";
const env = { XIN_LOG__LEVEL: "warn" };

const runAsync = async (args: string[]) => {
  const p = Bun.spawn([xin, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: dir },
    cwd: dir,
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

const api = async <T>(path: string): Promise<T> => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
const tokenNames = async () =>
  (await api<{ data: { name: string }[] }>("/api/v1/tokens")).data.map((t) => t.name).sort();
const brandNames = async () =>
  (await api<{ data: { name: string }[] }>("/api/v1/brands")).data.map((b) => b.name).sort();
const versionOf = (binary: string) =>
  (JSON.parse(run(binary, ["version", "--json"]).stdout) as { version: string }).version;

/** A "new" xin: a wrapper around a copy of the build, reporting `version`; one command (`serve`, `migrate`) may be replaced by a script. */
const wrapper = (name: string, version: string, replaced?: { command: string; script: string }): string => {
  const real = join(dir, `${name}.real`);
  copyFileSync(join(dir, "pristine"), real);
  chmodSync(real, 0o755);
  const path = join(dir, name);
  const failing = replaced ? `if [ "$1" = ${replaced.command} ]; then\n${replaced.script}\nfi\n` : "";
  writeFileSync(
    path,
    `#!/bin/sh\nREAL=${real}\nif [ "$1" = version ]; then "$REAL" "$@" | sed 's/"version": "[^"]*"/"version": "${version}"/'; exit 0; fi\n${failing}exec "$REAL" "$@"\n`,
  );
  chmodSync(path, 0o755);
  return path;
};

const stopServing = async () => {
  const holder = lockHolder(dataDir);
  if (holder?.command !== "serve") return;
  process.kill(holder.pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (lockHolder(dataDir) && Date.now() < deadline) await Bun.sleep(50);
};

beforeAll(async () => {
  ({ dir, xin } = await loneBinary());
  copyFileSync(await ensureBinary(), join(dir, "pristine"));
  port = freePort();
  dataDir = join(dir, "data");
  config = join(dataDir, "xin.toml");
  expect(run(xin, ["init", "--yes", "--data-dir", dataDir, "--brand", "Kite Shop", "--port", String(port)]).code).toBe(
    0,
  );
  token = parseEnvFile(readFileSync(join(dataDir, "xin.env"), "utf8")).XIN_ADMIN_TOKEN ?? "";
  await serve(xin, config, port, env);
}, 60_000);
afterAll(async () => {
  await stopServing();
  rmSync(dir, { recursive: true, force: true });
});

test("a binary that does not run or is not xin is refused before anything changes", async () => {
  const garbage = join(dir, "not-xin");
  writeFileSync(garbage, "#!/bin/sh\necho hello\n");
  chmodSync(garbage, 0o755);
  const before = readFileSync(xin);
  const r = await runAsync(["upgrade", garbage, "--config", config]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("is not a xin that `xin upgrade` can use");
  expect(r.stderr).toContain("nothing was changed");
  expect(readFileSync(xin).equals(before)).toBe(true);
  expect(existsSync(`${xin}.previous`)).toBe(false);
  expect(lockHolder(dataDir)?.command).toBe("serve");
});

test("upgrade: backup, atomic swap, the running serve restarted on the new binary, data kept", async () => {
  const oldPid = lockHolder(dataDir)?.pid;
  const next = wrapper("xin-next", "0.2.0-test");
  const r = await runAsync(["upgrade", next, "--config", config, "--timeout", "30"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  for (const n of [1, 2, 3, 4, 5]) expect(r.stdout).toContain(`[${n}/5]`);
  expect(r.stdout).toContain(`run by xin serve (pid ${oldPid})`);
  expect(r.stdout).toContain("upgraded to xin 0.2.0-test");
  // The installed path runs the new version; the old build is kept beside it, byte for byte.
  expect(versionOf(xin)).toBe("0.2.0-test");
  expect(readFileSync(`${xin}.previous`).equals(readFileSync(join(dir, "pristine")))).toBe(true);
  // Another process serves the same data; the backup was taken first.
  const holder = lockHolder(dataDir);
  expect(holder?.command).toBe("serve");
  expect(holder?.pid).not.toBe(oldPid);
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  expect(await brandNames()).toEqual(["Kite Shop"]);
  expect(readdirSync(join(dataDir, "backups/upgrade")).filter((f) => f.endsWith(".tar.gz"))).toHaveLength(1);
}, 120_000);

test("rollback: a new binary that writes, then fails to start, leaves the old binary serving the data as before", async () => {
  const tokensBefore = await tokenNames();
  const installed = readFileSync(xin);
  // Its `serve` changes the store (as a migration would), then dies.
  const broken = wrapper("xin-broken", "0.3.0-broken", {
    command: "serve",
    script: `"$REAL" token create --role admin --name written-by-broken --config "$3" >/dev/null && touch ${join(dir, "broken-wrote")}\necho "simulated: this build cannot start" >&2\nexit 3`,
  });
  // --binary: the installed `xin` is now a wrapper, and the running executable is the copy it starts.
  const r = await runAsync(["upgrade", broken, "--binary", xin, "--config", config, "--timeout", "30"]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain("the new binary failed: exited with code 3");
  expect(r.stdout).toContain("simulated: this build cannot start");
  expect(r.stdout).toContain("rolling back");
  expect(r.stdout).toContain("xin 0.2.0-test again");
  expect(r.stderr).toContain("rolled back to xin 0.2.0-test and the backup");
  // The binary that was installed is back, serving; the write of the failed start is gone with the backup.
  expect(readFileSync(xin).equals(installed)).toBe(true);
  expect(versionOf(xin)).toBe("0.2.0-test");
  expect(lockHolder(dataDir)?.command).toBe("serve");
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  expect(existsSync(join(dir, "broken-wrote"))).toBe(true);
  expect(tokensBefore).not.toContain("written-by-broken");
  expect(await tokenNames()).toEqual(tokensBefore);
  expect(await brandNames()).toEqual(["Kite Shop"]);
  // What the failed start left is kept, not deleted.
  expect(readdirSync(join(dataDir, "backups/upgrade")).some((f) => f.startsWith("replaced-"))).toBe(true);
}, 120_000);

test("with nothing running, the new binary is tried with `xin migrate`; when that fails, binary and data are rolled back", async () => {
  await stopServing();
  const tokensBefore = (
    JSON.parse(run(xin, ["token", "list", "--json", "--config", config]).stdout) as { name: string }[]
  )
    .map((t) => t.name)
    .sort();
  const installed = readFileSync(xin);
  const failing = wrapper("xin-bad-migration", "0.4.0-bad", {
    command: "migrate",
    script: `"$REAL" token create --role admin --name written-by-bad-migration --config "$3" >/dev/null && touch ${join(dir, "bad-wrote")}\necho "simulated: migration 0002 failed" >&2\nexit 4`,
  });
  const r = await runAsync(["upgrade", failing, "--binary", xin, "--config", config, "--timeout", "30"]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain("run by nothing");
  expect(r.stdout).toContain("the new binary failed: `xin migrate` exited with code 4");
  expect(r.stdout).toContain("simulated: migration 0002 failed");
  expect(r.stderr).toContain("rolled back to xin 0.2.0-test and the backup");
  expect(readFileSync(xin).equals(installed)).toBe(true);
  expect(existsSync(join(dir, "bad-wrote"))).toBe(true);
  const tokensAfter = (
    JSON.parse(run(xin, ["token", "list", "--json", "--config", config]).stdout) as { name: string }[]
  )
    .map((t) => t.name)
    .sort();
  expect(tokensAfter).toEqual(tokensBefore);
  // Nothing was started: the user starts xin serve.
  expect(lockHolder(dataDir)).toBeNull();
}, 120_000);

test("a database migrated by a newer xin is refused by serve, migrate and the CLI, naming the migration, the version and the way back", async () => {
  await stopServing();
  // The newer xin: the real migrator with one more migration than this build carries.
  const store = new Store({ dataDir, poolMax: 1, log: silentLogger });
  await store.open({ migrate: false });
  try {
    const future = {
      tag: "0001_from_the_future",
      when: migrations.at(-1)!.when + 1000,
      sql: "create table from_the_future (id int);",
    };
    expect(await migrate(store.sql, [...migrations, future], "9.0.0")).toEqual(["0001_from_the_future"]);
  } finally {
    await store.close();
  }
  for (const args of [["serve"], ["migrate"], ["token", "list"]]) {
    const r = await runAsync([...args, "--config", config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the database was migrated by xin 9.0.0");
    expect(r.stderr).toContain("does not know the migration(s) 0001_from_the_future");
    expect(r.stderr).toContain("run xin 9.0.0 or newer");
    expect(r.stderr).toContain("xin restore FILE --data-dir DIR");
  }
  expect(lockHolder(dataDir)).toBeNull();
}, 120_000);
