// Isolates every test run: no XIN_* variables or provider keys leak in from the developer's shell,
// and nothing writes into the developer's real data dir.
import { afterAll, setDefaultTimeout } from "bun:test";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

for (const key of Object.keys(process.env)) {
  if (key.startsWith("XIN_") || /^(OPENAI|ANTHROPIC|OPENROUTER)_/.test(key)) delete process.env[key];
}
// Every temporary file of the run (servers' data dirs, homes, fixtures, the CLI children's) goes under
// one folder that is removed at exit: repeated runs must not fill the developer's disk. Readable by the
// service users the embedded and Debian servers run as.
const runDir = mkdtempSync(join(tmpdir(), "xin-test-run-"));
chmodSync(runDir, 0o755);
process.env.TMPDIR = runDir;
const removeRunDir = () => rmSync(runDir, { recursive: true, force: true });
// A global hook, after the last test file: the shared PostgreSQL servers stop first (bun test fires no
// exit handlers, so without this every run left two servers running).
afterAll(async () => {
  const { stopTestServers } = await import("./support/db");
  await stopTestServers();
  removeRunDir();
}, 60_000); // stopping two servers takes longer than the 5 s default on a loaded machine
process.env.HOME = mkdtempSync(join(runDir, "xin-test-home-"));

// Store-backed and end-to-end tests start real servers; waits inside them are bounded by conditions.
setDefaultTimeout(60_000);
