// A throwaway Debian PostgreSQL 15 for tests: initdb into a temp dir as the `postgres` user (initdb
// refuses root), a free loopback port, torn down at process exit.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

const BIN = "/usr/lib/postgresql/15/bin";

const freePort = (): number => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
};

const ids = () => {
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0) throw new Error("no `postgres` user: install Debian's postgresql-15 (npm test does it)");
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
};

/** `crash()`: an immediate shutdown (SIGQUIT: no checkpoint, clients cut off), as a crashed server looks;
 *  `restart()`: starts the same cluster on the same port again and waits until it answers. */
export type ExternalPostgres = { url: string; stop(): Promise<void>; crash(): Promise<void>; restart(): Promise<void> };

/** `durable` keeps fsync and synchronous commit on (benchmarks); tests run without them for speed. */
export const startExternalPostgres = async (
  options: { durable?: boolean; extra?: string[] } = {},
): Promise<ExternalPostgres> => {
  if (!existsSync(`${BIN}/initdb`)) {
    throw new Error(
      `${BIN}/initdb not found: install Debian's postgresql-15 (bash scripts/test.sh does it when run as root)`,
    );
  }
  const { uid, gid } = ids();
  const dir = mkdtempSync(join(tmpdir(), "xin-pg15-"));
  chownSync(dir, uid, gid);
  const init = spawnSync(
    `${BIN}/initdb`,
    ["-D", `${dir}/data`, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
    {
      uid,
      gid,
      cwd: dir,
      encoding: "utf8",
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess;
  let stderr = "";
  const launch = async () => {
    child = spawn(
      `${BIN}/postgres`,
      [
        "-D",
        `${dir}/data`,
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "max_connections=200",
        ...(options.durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
        ...(options.extra ?? []),
      ],
      { uid, gid, cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr?.on("data", (d) => (stderr += String(d)));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
      try {
        await sql`select 1`;
        await sql.end();
        return;
      } catch {
        await sql.end().catch(() => {});
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`PostgreSQL 15 did not start: ${stderr}`);
        await Bun.sleep(50);
      }
    }
  };
  const halt = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await exited;
  };
  await launch();
  const kill = () => child.exitCode === null && child.kill("SIGINT");
  process.on("exit", kill);
  return {
    url,
    stop: async () => {
      await halt("SIGINT");
      rmSync(dir, { recursive: true, force: true });
    },
    crash: () => halt("SIGQUIT"),
    restart: launch,
  };
};
