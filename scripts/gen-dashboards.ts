// Writes ops/grafana/<uid>.json from scripts/lib/dashboards.ts (run after changing a dashboard or a
// metric name; test/ops/dashboards.test.ts fails while the committed files differ from this output).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DASHBOARDS, renderDashboard } from "./lib/dashboards";

const dir = join(import.meta.dir, "../ops/grafana");
mkdirSync(dir, { recursive: true });
for (const d of DASHBOARDS)
  writeFileSync(join(dir, `${d.uid}.json`), `${JSON.stringify(renderDashboard(d), null, 2)}\n`);
console.log(`wrote ${DASHBOARDS.length} dashboards to ops/grafana/`);
