// The embedded PostgreSQL under failure: killed under a running xin, and orphaned by a killed xin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, loneBinary, run, serve, waitReady, type Serving } from "../support/binary";

let dir = "";
let xin = "";
let port = 0;
let config = "";
let current: Serving | null = null;

const postmasterPid = (): number => Number(readFileSync(join(dir, "data/pg/postmaster.pid"), "utf8").split("\n")[0]);
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};
const adminToken = () => /XIN_ADMIN_TOKEN=(.+)/.exec(readFileSync(join(dir, "data/xin.env"), "utf8"))![1];
const tenants = async (url: string) =>
  (
    await (await fetch(`${url}/api/v1/tenants`, { headers: { authorization: `Bearer ${adminToken()}` } })).json()
  ).data.map((t: { name: string }) => t.name);

beforeAll(async () => {
  ({ dir, xin } = await loneBinary());
  port = freePort();
  config = join(dir, "data/xin.toml");
  expect(
    run(xin, ["init", "--yes", "--data-dir", join(dir, "data"), "--tenant", "kept", "--port", String(port)]).code,
  ).toBe(0);
});

afterAll(async () => {
  if (current && current.proc.exitCode === null) await current.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a PostgreSQL killed under a running xin is restarted and xin recovers by itself", async () => {
  current = await serve(xin, config, port);
  const pid = postmasterPid();
  process.kill(pid, "SIGKILL");
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    let next = 0;
    try {
      next = postmasterPid();
    } catch {
      // between the old server's death and the new one's pid file
    }
    if (next && next !== pid && alive(next)) break;
    await Bun.sleep(50);
  }
  await waitReady(current.url);
  expect(postmasterPid()).not.toBe(pid);
  expect(await tenants(current.url)).toEqual(["kept"]);
  expect(await current.stop()).toBe(0);
});

test("a PostgreSQL orphaned by a killed xin is found and handled at the next start", async () => {
  current = await serve(xin, config, port);
  const orphan = postmasterPid();
  current.proc.kill("SIGKILL");
  await current.proc.exited;
  expect(alive(orphan)).toBe(true); // the server outlives the killed xin
  current = await serve(xin, config, port);
  expect(alive(orphan)).toBe(false);
  expect(await tenants(current.url)).toEqual(["kept"]);
  expect(await current.stop()).toBe(0);
  expect(existsSync(join(dir, "data/pg/postmaster.pid"))).toBe(false); // a clean shutdown removes it
});
