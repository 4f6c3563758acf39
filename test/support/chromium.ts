// Debian's Chromium driven by playwright-core, for the widget's browser tests: one headless browser in
// a throw-away profile, closed and removed by `close`.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

const CHROMIUM = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => existsSync(p));
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

export const launchChromium = async (): Promise<{ context: BrowserContext; close(): Promise<void> }> => {
  if (!CHROMIUM)
    throw new Error(
      "Chromium is not installed (looked for /usr/lib/chromium/chromium and /usr/bin/chromium): apt-get install -y chromium, or run scripts/test.sh as root, which installs it",
    );
  const profile = mkdtempSync(join(tmpdir(), "xin-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};
