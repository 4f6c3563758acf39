// The instance the end-to-end benchmarks measure: `xin init --demo` in a lone folder (embedded store,
// or the external one given) with one WhatsApp channel whose API root is the benchmark's provider stub.
import { join } from "node:path";
import { freePort, run, runAsync } from "../../test/support/binary";

export const DEMO_WA = { phone: "106540352242922", secret: "bench-app-secret" };

/**
 * Returns the config path, the port to serve on and the channel's webhook path. Async: `channel add`
 * checks the token against the stub, which answers from this process's event loop.
 */
export const initDemoInstance = async (
  xin: string,
  dir: string,
  stubPort: number,
  databaseUrl?: string,
): Promise<{ config: string; port: number; webhookPath: string }> => {
  const port = freePort();
  const dataDir = join(dir, "data");
  const init = run(xin, [
    "init",
    "--yes",
    "--demo",
    "--data-dir",
    dataDir,
    "--brand",
    "Demo Shop",
    "--port",
    String(port),
    ...(databaseUrl ? ["--database-url", databaseUrl] : []),
  ]);
  if (init.code !== 0) throw new Error(init.stderr);
  const config = join(dataDir, "xin.toml");
  const wa = await runAsync(xin, [
    "channel",
    "add",
    "whatsapp",
    "--brand",
    "demo-shop",
    "--phone-number-id",
    DEMO_WA.phone,
    "--access-token",
    "t",
    "--app-secret",
    DEMO_WA.secret,
    "--verify-token",
    "v",
    "--api-base",
    `http://127.0.0.1:${stubPort}/v25.0`,
    "--config",
    config,
    "--json",
  ]);
  if (wa.code !== 0) throw new Error(wa.stderr);
  return { config, port, webhookPath: (JSON.parse(wa.stdout) as { webhook_path: string }).webhook_path };
};
