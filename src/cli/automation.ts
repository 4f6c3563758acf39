import type { Command } from "commander";
import {
  automationView,
  listAutomationsOnStore,
  runAutomationOnStore,
  showAutomationOnStore,
  type AutomationView,
  type RunOutcome,
} from "../app";
import { cliLogger, configFrom } from "./context";
import { report } from "./output";
import { viaServerOrStore } from "./with-store";

type CommonOpts = { config?: string; json?: boolean };

const line = (a: AutomationView) =>
  `  ${a.id}  ${a.kind.padEnd(10)}  ${a.schedule.padEnd(14)}  ${a.enabled ? "enabled " : "disabled"}  last run ${a.last_run_at?.replace(/\.\d+Z$/, "Z") ?? "never"}`;

const detail = (a: AutomationView) =>
  [
    `automation ${a.id} (${a.kind}, ${a.enabled ? "enabled" : "disabled"})`,
    `  tenant     ${a.tenant_id}`,
    `  brand      ${a.brand_id ?? "-"}`,
    `  schedule   ${a.schedule} (UTC)`,
    `  config     ${JSON.stringify(a.config)}`,
    `  last run   ${a.last_run_at ?? "never"}`,
    `  created    ${a.created_at}`,
  ].join("\n");

/** What `run-now` did: queued for the server's workers, or run here when no server runs. */
type RunNow = { id: string; queued: true; job_id: number } | ({ id: string; queued: false } & RunOutcome);

const ranText = (r: RunNow) => {
  if (r.queued)
    return `queued ${r.id} for the server's workers (job ${r.job_id}); see its last run with: xin automation show ${r.id}`;
  if (!r.ran) return `did not run ${r.id}: ${r.reason}`;
  return `ran ${r.id}: ${
    Object.entries(r.result)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ") || "done"
  }`;
};

/** `xin automation list|show|run-now`: through the running server's API, else on the store. */
export const automationCommand = (program: Command) => {
  const automation = program
    .command("automation")
    .description("scheduled automations of the brands (follow-ups, closing idle chats, retention)");
  automation
    .command("list")
    .description("list automations, with when each last ran")
    .option("--tenant <tenant>", "only this tenant's automations")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action(async (opts: CommonOpts & { tenant?: string }) => {
      const config = configFrom(opts.config);
      const list = await viaServerOrStore<AutomationView[]>(config, cliLogger(), {
        api: async (client) =>
          (
            await client.get<{ data: AutomationView[] }>(
              `/api/v1/automations${opts.tenant ? `?tenant=${encodeURIComponent(opts.tenant)}` : ""}`,
            )
          ).data.map(automationView),
        store: (store) => listAutomationsOnStore(store, opts.tenant ?? null),
      });
      report(list, opts, (l) => (l.length ? l.map(line).join("\n") : "no automations"));
    });
  automation
    .command("show <id>")
    .description("one automation: its schedule, config and last run")
    .option("--config <file>", "config file")
    .option("--json", "print one JSON document")
    .action(async (id: string, opts: CommonOpts) => {
      const config = configFrom(opts.config);
      const shown = await viaServerOrStore<AutomationView>(config, cliLogger(), {
        api: async (client) =>
          automationView(await client.get<AutomationView>(`/api/v1/automations/${encodeURIComponent(id)}`)),
        store: (store) => showAutomationOnStore(store, id),
      });
      report(shown, opts, detail);
    });
  automation
    .command("run-now <id>")
    .description("run an automation once now, outside its schedule (also when disabled)")
    .option("--config <file>", "config file")
    .option("--json", "print one JSON document")
    .action(async (id: string, opts: CommonOpts) => {
      const config = configFrom(opts.config);
      const ran = await viaServerOrStore<RunNow>(config, cliLogger(), {
        api: async (client) => {
          const r = await client.request<{ id: string; job_id: number }>(
            "POST",
            `/api/v1/automations/${encodeURIComponent(id)}/run`,
          );
          return { id: r.id, queued: true, job_id: r.job_id };
        },
        store: async (store) => ({
          id,
          queued: false,
          ...(await runAutomationOnStore(store, id, {
            maxAttempts: config.queue.max_attempts,
            dataDir: config.data_dir,
            log: cliLogger(),
          })),
        }),
      });
      report(ran, opts, ranText);
    });
  return automation;
};
