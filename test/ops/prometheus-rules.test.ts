// ops/prometheus: the SLO rules parse (`promtool check rules`), every alert fires on a burning budget
// and stays silent on a healthy one (`promtool test rules`, ops/prometheus/xin-rules.test.yml), each
// alert has a runbook that exists, and every metric the rules read is one xin really exports.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createMetrics } from "../../src/runtime/metrics";

const root = join(import.meta.dir, "../..");
const rulesDir = join(root, "ops/prometheus");
const rulesFile = join(rulesDir, "xin-rules.yml");

const promtool = (args: string[]) => {
  const r = Bun.spawnSync(["promtool", ...args], { cwd: rulesDir });
  return { code: r.exitCode, out: `${r.stdout.toString()}${r.stderr.toString()}` };
};

/** Alerts as the rules file names them: name, runbook_url, severity (read line by line: the file is flat YAML). */
const alerts = (): { name: string; runbook: string; severity: string }[] => {
  const out: { name: string; runbook: string; severity: string }[] = [];
  for (const line of readFileSync(rulesFile, "utf8").split("\n")) {
    const alert = /^\s+- alert: (\S+)$/.exec(line);
    if (alert) out.push({ name: alert[1], runbook: "", severity: "" });
    const runbook = /^\s+runbook_url: "(.+)"$/.exec(line);
    if (runbook) out[out.length - 1].runbook = runbook[1];
    const severity = /^\s+severity: (\S+)$/.exec(line);
    if (severity && out.length) out[out.length - 1].severity = severity[1];
  }
  return out;
};

describe("SLO rules", () => {
  test("promtool check rules accepts them", () => {
    const r = promtool(["check", "rules", "xin-rules.yml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  test("promtool test rules: each alert fires while its budget burns and stays silent otherwise", () => {
    const r = promtool(["test", "rules", "xin-rules.test.yml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
    // Every alert of the rules file is exercised by the unit tests, healthy and burning.
    const tests = readFileSync(join(rulesDir, "xin-rules.test.yml"), "utf8");
    for (const name of new Set(alerts().map((a) => a.name))) {
      expect(tests).toContain(`name: ${name} healthy`);
      expect(tests).toContain(`name: ${name} burning`);
    }
  });

  test("every alert rule links a runbook that exists, with a page and a ticket rule each", () => {
    const all = alerts();
    expect(all.length).toBeGreaterThan(0);
    for (const a of all) {
      expect(a.runbook, a.name).toBe(`ops/runbooks/${a.name}.md`);
      expect(existsSync(join(root, a.runbook)), a.runbook).toBe(true);
      const text = readFileSync(join(root, a.runbook), "utf8");
      expect(text, a.runbook).toStartWith(`# ${a.name}`);
    }
    for (const name of new Set(all.map((a) => a.name))) {
      expect(
        all
          .filter((a) => a.name === name)
          .map((a) => a.severity)
          .sort(),
        name,
      ).toEqual(["page", "ticket"]);
    }
  });

  test("the rules read only metrics xin exports", async () => {
    const metrics = createMetrics();
    const exposition = await metrics.registry.metrics();
    const families = new Set(
      [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
        type === "histogram" ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name],
      ),
    );
    const used = new Set([...readFileSync(rulesFile, "utf8").matchAll(/\b(xin_[a-z_]+)\b/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(families.has(name), `${name} is not exported by xin`).toBe(true);
  });
});
