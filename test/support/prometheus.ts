// A real Prometheus (Debian's `prometheus`) on loopback scraping one target every second, with xin's
// rule files loaded, for tests that evaluate queries against what a running xin exports.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./binary";

export type Prometheus = {
  url: string;
  query(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }>;
  rules(): Promise<{ name: string; query: string; health: string; lastError?: string }[]>;
  stop(): Promise<void>;
};

export const startPrometheus = async (target: string, ruleFiles: string[]): Promise<Prometheus> => {
  const dir = mkdtempSync(join(tmpdir(), "xin-prom-"));
  const port = freePort();
  const config = [
    "global: { scrape_interval: 1s, evaluation_interval: 1s }",
    `rule_files: [${ruleFiles.map((f) => JSON.stringify(f)).join(", ")}]`,
    "scrape_configs:",
    "  - job_name: xin",
    `    static_configs: [{ targets: [${JSON.stringify(new URL(target).host)}] }]`,
  ].join("\n");
  writeFileSync(join(dir, "prometheus.yml"), `${config}\n`);
  const proc = Bun.spawn(
    [
      "prometheus",
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string): Promise<T> => (await fetch(`${url}${path}`)).json() as Promise<T>;
  const prometheus: Prometheus = {
    url,
    query: (expr) => api(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    rules: async () =>
      (
        await api<{
          data: { groups: { rules: { name: string; query: string; health: string; lastError?: string }[] }[] };
        }>("/api/v1/rules")
      ).data.groups.flatMap((g) => g.rules),
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // The first sample comes ~6 s after start (target discovery batches its updates every 5 s).
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await prometheus.query("up").catch(() => null);
    if (up?.status === "success" && JSON.stringify(up.data?.result).includes('"1"')) return prometheus;
    if (proc.exitCode !== null || Date.now() > deadline) {
      await prometheus.stop();
      throw new Error(`prometheus did not scrape ${target} within 30 s (exit ${proc.exitCode})`);
    }
    await Bun.sleep(250);
  }
};
