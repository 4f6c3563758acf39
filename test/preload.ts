// Isolates every test run: no XIN_* variables or provider keys leak in from the developer's shell,
// and nothing writes into the developer's real data dir.
import { setDefaultTimeout } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

for (const key of Object.keys(process.env)) {
  if (key.startsWith("XIN_") || /^(OPENAI|ANTHROPIC|OPENROUTER)_/.test(key)) delete process.env[key];
}
process.env.HOME = mkdtempSync(join(tmpdir(), "xin-test-home-"));

// Store-backed and end-to-end tests start real servers; waits inside them are bounded by conditions.
setDefaultTimeout(60_000);
