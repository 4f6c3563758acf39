// ops/grafana: the committed dashboards are what scripts/lib/dashboards.ts renders, every query parses
// (each wrapped as a recording rule for `promtool check rules`, Grafana's $__rate_interval as 5m) and
// names only series xin exports. test/e2e/observability.test.ts evaluates them on a real Prometheus.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allQueries, DASHBOARDS, renderDashboard } from "../../scripts/lib/dashboards";
import { createMetrics } from "../../src/runtime/metrics";

const root = join(import.meta.dir, "../..");

/** As Prometheus sees a dashboard query: Grafana's interval variable fixed. */
export const asPromql = (expr: string) => expr.replaceAll("$__rate_interval", "5m");

const checkRules = (exprs: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), "xin-dash-"));
  try {
    const rules = [
      "groups:",
      "  - name: dashboards",
      "    rules:",
      ...exprs.flatMap((e, i) => [
        `      - record: xin:dashboard_query_${i}`,
        `        expr: ${JSON.stringify(asPromql(e))}`,
      ]),
    ].join("\n");
    writeFileSync(join(dir, "rules.yml"), `${rules}\n`);
    const r = Bun.spawnSync(["promtool", "check", "rules", "rules.yml"], { cwd: dir });
    return { code: r.exitCode, out: `${r.stdout.toString()}${r.stderr.toString()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe("Grafana dashboards", () => {
  test("the committed JSON is the generator's output (bun scripts/gen-dashboards.ts)", () => {
    for (const d of DASHBOARDS) {
      const committed = readFileSync(join(root, "ops/grafana", `${d.uid}.json`), "utf8");
      expect(committed, `ops/grafana/${d.uid}.json is stale: run bun scripts/gen-dashboards.ts`).toBe(
        `${JSON.stringify(renderDashboard(d), null, 2)}\n`,
      );
    }
  });

  test("every query parses (promtool), and a broken one is caught", () => {
    const queries = allQueries();
    expect(queries.length).toBeGreaterThan(20);
    const r = checkRules(queries.map((q) => q.expr));
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
    expect(checkRules(["sum by (route (rate(xin_http_requests_total[5m]))"]).code).not.toBe(0);
  });

  test("every query names only series xin exports", async () => {
    const exposition = await createMetrics().registry.metrics();
    const families = new Set(
      [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
        type === "histogram" ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name],
      ),
    );
    for (const q of allQueries())
      for (const [name] of q.expr.matchAll(/\bxin_[a-z_]+\b/g))
        expect(families.has(name), `${q.dashboard} / ${q.panel}: ${name} is not exported by xin`).toBe(true);
  });
});
