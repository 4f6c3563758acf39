// `npm start`: builds dist/xin, creates a demo instance on the embedded store in ./.xin-demo if there is
// none (tenant "demo", brand "Demo Shop"), and runs `xin serve` on http://localhost:8080 (set
// XIN_SERVER__PORT to change it). Ctrl+C stops it cleanly.
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "./build";

const root = join(import.meta.dir, "..");
const binary = await build();

/** As root, PostgreSQL runs as user xin, which must be able to enter every parent of the data dir. */
const reachableByOthers = (dir: string): boolean => {
  for (let d = dir; d !== "/"; d = join(d, "..")) if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
  return true;
};
const local = join(root, ".xin-demo");
const dataDir = process.getuid?.() === 0 && !reachableByOthers(root) ? "/var/lib/xin-demo" : local;
const config = join(dataDir, "xin.toml");

if (!existsSync(config)) {
  const port = process.env.XIN_SERVER__PORT ?? "8080";
  const init = Bun.spawnSync(
    [
      binary,
      "init",
      "--yes",
      "--data-dir",
      dataDir,
      "--tenant",
      "demo",
      "--brand",
      "Demo Shop",
      "--port",
      port,
      "--demo",
    ],
    {
      stdout: "inherit",
      stderr: "inherit",
    },
  );
  if (init.exitCode !== 0) process.exit(init.exitCode ?? 1);
  // The chat widget on the demo page: a web channel that accepts the local origins.
  const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`].flatMap((o) => ["--origin", o]);
  const web = Bun.spawnSync([binary, "channel", "add", "web", "--brand", "demo-shop", ...origins, "--config", config], {
    stdout: "ignore",
    stderr: "inherit",
  });
  if (web.exitCode !== 0) process.exit(web.exitCode ?? 1);
}

const port = process.env.XIN_SERVER__PORT ?? "8080";
console.log(`\nxin demo: open http://localhost:${port}/demo/demo-shop and type into the chat bubble`);
console.log(`data in ${dataDir}; admin token in ${join(dataDir, "xin.env")}; stop with Ctrl+C\n`);
// xin runs in a process group of its own, so a Ctrl+C reaches this wrapper only and xin gets exactly one
// SIGINT from it: in the terminal's group xin received the terminal's SIGINT and then the forwarded one,
// took the second for "force exit" and left the embedded PostgreSQL running. A second Ctrl+C still
// forces the exit, as it does for `xin serve` itself.
const serve = spawn(binary, ["serve", "--config", config], { stdio: "inherit", detached: true });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => serve.kill(signal));
const code = await new Promise<number>((resolve) => serve.on("exit", (c, s) => resolve(c ?? (s ? 1 : 0))));
process.exit(code);
