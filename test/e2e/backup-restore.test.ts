// `xin backup` while xin serves under a stream of writes, then `xin restore` into an empty data dir on
// the lone compiled binary: the restored instance opens, holds the same tenants, knowledge and search
// results as the original at the backup's moment, and the writes it holds are a gap-free prefix of the
// ones made during the backup (a consistent point in time, not a torn copy).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnvFile } from "../../src/runtime/config";
import { freePort, loneBinary, run, serve, type Serving } from "../support/binary";

let dir = "";
let xin = "";
let port = 0;
const servers: Serving[] = [];

// Async: the load loop below runs on this process's event loop while the CLI works.
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

const tenantsOf = async (url: string, token: string): Promise<string[]> => {
  const res = await fetch(`${url}/api/v1/tenants`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { data: { name: string }[] };
  return body.data.map((t) => t.name).sort();
};

const searchJson = (config: string) => {
  const r = run(xin, ["search", "free shipping", "--brand", "Kite Shop", "--json", "--config", config]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

beforeAll(async () => {
  ({ dir, xin } = await loneBinary());
  port = freePort();
  expect(
    run(xin, ["init", "--yes", "--data-dir", join(dir, "a"), "--brand", "Kite Shop", "--port", String(port), "--demo"])
      .code,
  ).toBe(0);
}, 60_000); // init starts the embedded PostgreSQL: beyond the 5 s hook default on a loaded machine
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a backup taken under write load restores into an identical, consistent instance", async () => {
  const configA = join(dir, "a/xin.toml");
  const token = parseEnvFile(await Bun.file(join(dir, "a/xin.env")).text()).XIN_ADMIN_TOKEN;
  const a = await serve(xin, configA, port);
  servers.push(a);

  // Writes one tenant after another (load-0000, load-0001, …) until the backup is done.
  let writing = true;
  let written = 0;
  const load = (async () => {
    while (writing) {
      const res = await fetch(`${a.url}/api/v1/tenants`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `load-${String(written).padStart(4, "0")}` }),
      });
      expect(res.status).toBe(201);
      written += 1;
    }
  })();
  while (written < 20) await Bun.sleep(10);
  const backup = await runAsync(["backup", "snap.tar.gz", "--include-secrets", "--config", configA]);
  const writtenAtEnd = written;
  writing = false;
  await load;
  expect(backup.stderr).toBe("");
  expect(backup.code).toBe(0);
  expect(backup.stdout).toContain("backup written:");
  // The server's temporary archive is gone once it was sent; the backup is recorded for `xin doctor`.
  expect(readdirSync(join(dir, "a/backups"))).toEqual(["last.json"]);
  const doctor = await runAsync(["doctor", "--json", "--config", configA]);
  const lastBackup = (JSON.parse(doctor.stdout) as { checks: { name: string; status: string }[] }).checks.find(
    (c) => c.name === "last backup",
  );
  expect(lastBackup?.status).toBe("ok");
  // The archive holds every tenant's data: instance admins only.
  expect((await fetch(`${a.url}/api/v1/backup`, { method: "POST" })).status).toBe(401);
  for (const role of ["agent", "admin"]) {
    // An agent, and a tenant's own admin: neither may take every tenant's data.
    const made = await fetch(`${a.url}/api/v1/tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ role, tenant: "load-0000", name: `carol-${role}` }),
    });
    expect(made.status).toBe(201);
    const scoped = ((await made.json()) as { token: string }).token;
    expect(
      (await fetch(`${a.url}/api/v1/backup`, { method: "POST", headers: { authorization: `Bearer ${scoped}` } }))
        .status,
    ).toBe(403);
  }

  const searchA = searchJson(configA);
  const tenantsA = await tenantsOf(a.url, token);
  expect(await a.stop()).toBe(0);

  const restore = run(xin, ["restore", join(dir, "snap.tar.gz"), "--data-dir", join(dir, "b"), "--json"], { cwd: dir });
  expect(restore.code).toBe(0);
  const restored = JSON.parse(restore.stdout) as {
    data_dir: string;
    needs_secrets: boolean;
    manifest: { includes_secrets: boolean };
  };
  expect(restored).toMatchObject({
    data_dir: join(dir, "b"),
    needs_secrets: false,
    manifest: { includes_secrets: true },
  });

  const configB = join(dir, "b/xin.toml");
  expect(await Bun.file(configB).text()).toContain(`data_dir = "${join(dir, "b")}"`);
  const b = await serve(xin, configB, port);
  servers.push(b);
  const tenantsB = await tenantsOf(b.url, token);
  // Consistent: every tenant before the load, then load-0000 … load-(n-1) with no gap.
  const loadB = tenantsB.filter((n) => n.startsWith("load-"));
  expect(loadB).toEqual(Array.from({ length: loadB.length }, (_, i) => `load-${String(i).padStart(4, "0")}`));
  expect(loadB.length).toBeGreaterThanOrEqual(20);
  expect(loadB.length).toBeLessThanOrEqual(writtenAtEnd);
  expect(tenantsB).toEqual(tenantsA.filter((n) => !n.startsWith("load-") || loadB.includes(n)));
  expect(await b.stop()).toBe(0);
  // Knowledge and search answer the same (the restored server is stopped: the CLI opens the store).
  expect(searchJson(configB)).toEqual(searchA);
});

test("restore refuses a data dir that is not empty, and a file that is not a xin backup, changing nothing", () => {
  const full = join(dir, "full");
  mkdirSync(full);
  writeFileSync(join(full, "keep.txt"), "mine");
  const refused = run(xin, ["restore", join(dir, "snap.tar.gz"), "--data-dir", full]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("is not empty");
  expect(readdirSync(full)).toEqual(["keep.txt"]);

  writeFileSync(join(dir, "junk.tar.gz"), "not an archive");
  const junk = run(xin, ["restore", join(dir, "junk.tar.gz"), "--data-dir", join(dir, "c")]);
  expect(junk.code).toBe(1);
  expect(junk.stderr).toContain("is not a xin backup");
  expect(existsSync(join(dir, "c"))).toBe(false);
});

test("backup.schedule: the server backs itself up on schedule, keeps the newest backup.keep, and backup list shows them", async () => {
  const config = join(dir, "a/xin.toml");
  // Every two seconds (a sixth leading field counts seconds), the newest one kept. Warnings only: the
  // test does not read the server's log pipe, which must not fill up.
  const s = await serve(xin, config, port, {
    XIN_BACKUP__SCHEDULE: "*/2 * * * * *",
    XIN_BACKUP__KEEP: "1",
    XIN_LOG__LEVEL: "warn",
  });
  servers.push(s);
  const scheduled = join(dir, "a/backups/scheduled");
  const archives = () =>
    existsSync(scheduled)
      ? readdirSync(scheduled)
          .filter((n) => n.endsWith(".tar.gz"))
          .sort()
      : [];
  const seen = new Set<string>();
  const deadline = Date.now() + 100_000;
  while (seen.size < 2 && Date.now() < deadline) {
    for (const a of archives()) seen.add(a);
    expect(archives().length).toBeLessThanOrEqual(1);
    await Bun.sleep(100);
  }
  expect(seen.size).toBeGreaterThanOrEqual(2); // backups kept coming, and the older one was deleted
  expect(await s.stop()).toBe(0);
  const kept = archives();
  expect(kept.length).toBe(1);
  expect(kept).toEqual([...seen].sort().slice(-1)); // the newest
  const listed = JSON.parse(run(xin, ["backup", "list", "--json", "--config", config]).stdout);
  expect(listed).toMatchObject({ schedule: null, keep: 7 }); // the CLI reads the file's config, not the server's env
  expect(listed.backups.map((b: { file: string }) => b.file.split("/").at(-1)).sort()).toEqual(kept);
  // Each is a whole backup: it restores.
  const restored = run(xin, ["restore", join(scheduled, kept[0]), "--data-dir", join(dir, "from-schedule")]);
  expect(restored.code, restored.stderr).toBe(0);
}, 180_000);
