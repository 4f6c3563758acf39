// Builds dist/xin: one self-contained executable (bun build --compile) carrying the PostgreSQL server,
// the migrations and every static asset. Then smoke-runs it: --version, and `serve` on a temp data dir
// until /readyz is 200, proving the bundled PostgreSQL unpacks and starts from inside the binary alone.
// `--no-smoke` skips the run.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packPostgres } from "./pack-postgres";

const root = join(import.meta.dir, "..");
const outfile = join(root, "dist/xin");

export const build = async (): Promise<string> => {
  await packPostgres();
  await import("./gen-embedded");
  mkdirSync(join(root, "dist"), { recursive: true });
  const result = await Bun.build({
    entrypoints: [join(root, "src/cli/main.ts")],
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    minify: { syntax: true, whitespace: true, identifiers: false },
    sourcemap: "none",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error("build failed");
  }
  console.log(`built dist/xin (${(statSync(outfile).size / 1024 / 1024).toFixed(1)} MiB)`);
  return outfile;
};

const freePort = () => {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
};

/** Copies the binary alone into an empty folder, inits an instance there and waits for /readyz. */
export const smoke = async (binary: string) => {
  const dir = mkdtempSync(join(tmpdir(), "xin-smoke-"));
  chmodSync(dir, 0o755);
  try {
    const lone = join(dir, "xin");
    copyFileSync(binary, lone);
    chmodSync(lone, 0o755);
    const version = Bun.spawnSync([lone, "--version"], { cwd: dir });
    if (version.exitCode !== 0) throw new Error(`--version failed: ${version.stderr}`);
    const port = freePort();
    const init = Bun.spawnSync([lone, "init", "--yes", "--data-dir", join(dir, "data"), "--port", String(port)], {
      cwd: dir,
    });
    if (init.exitCode !== 0) throw new Error(`init failed: ${init.stderr}`);
    const serve = Bun.spawn([lone, "serve", "--config", join(dir, "data/xin.toml")], {
      cwd: dir,
      stdout: "ignore",
      stderr: "pipe",
    });
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (Date.now() < deadline && !ready) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (!ready) await Bun.sleep(50);
    }
    serve.kill("SIGTERM");
    const code = await serve.exited;
    if (!ready) throw new Error(`serve never became ready: ${await new Response(serve.stderr).text()}`);
    if (code !== 0) throw new Error(`serve exited ${code} on SIGTERM`);
    console.log(`smoke ok: ${version.stdout.toString().trim()}, /readyz 200 from a lone binary, clean SIGTERM`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (import.meta.main) {
  const binary = await build();
  if (!process.argv.includes("--no-smoke")) await smoke(binary);
}
