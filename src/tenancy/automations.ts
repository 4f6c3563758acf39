/**
 * What an automation may be: the kinds xin runs, each with the zod schema of its config, and the
 * schedule rule. The admin API refuses any other kind, so no accepted automation silently does
 * nothing; the automation worker (workers/automation.ts) holds one handler per kind listed here.
 */
import { parse, validate } from "node-cron";
import { z } from "zod";
import { XinError } from "../runtime";
import type { NewJob } from "../runtime/queue";

/** Runs one automation: payload `{ automation_id, slot }` (scheduled) or `{ automation_id, now, manual }`. */
export const AUTOMATION_RUN_JOB = "automation.run";
/** Once a minute: enqueues a run for every automation slot that fell due (workers/automation.ts). */
export const AUTOMATION_SCAN_JOB = "automation.scan";

/** Kinds the issue names that are not built yet: refused by name, never stored. */
export const PLANNED_AUTOMATION_KINDS = ["sla_reminder", "reingest_urls", "crm_push"] as const;

/** The implemented kinds and their config. Adding a kind = its schema here and its handler in workers. */
export const automationConfigs = {
  follow_up: z
    .object({
      /** Hours the customer has left the assistant's last message unanswered before the follow-up. */
      after_hours: z
        .number()
        .positive()
        .max(24 * 7),
      /** The follow-up text, sent as the assistant. */
      text: z.string().trim().min(1).max(4096),
    })
    .strict(),
  close_idle: z
    .object({
      /** Days without a message, either way, after which a conversation is closed. */
      after_days: z.number().positive().max(3650),
    })
    .strict(),
  retention_purge: z
    .object({
      /** Messages of the tenant older than this many days are deleted, with their attachments' files. */
      after_days: z.number().int().min(1).max(36500),
    })
    .strict(),
} as const;

export type AutomationKind = keyof typeof automationConfigs;
export type AutomationConfig<K extends AutomationKind> = z.infer<(typeof automationConfigs)[K]>;

export const AUTOMATION_KINDS = Object.keys(automationConfigs) as AutomationKind[];

export const isAutomationKind = (kind: string): kind is AutomationKind => Object.hasOwn(automationConfigs, kind);

const invalid = (field: string, message: string) =>
  new XinError("api.invalid", `${field}: ${message}`, { status: 400, data: { field } });

/** The kind checked against what runs: a planned kind is named as not implemented yet. */
export const checkAutomationKind = (kind: string): AutomationKind => {
  if (isAutomationKind(kind)) return kind;
  const known = (PLANNED_AUTOMATION_KINDS as readonly string[]).includes(kind);
  throw invalid(
    "kind",
    `${known ? `automation kind '${kind}' is not implemented yet` : `unknown automation kind '${kind}'`}; xin runs: ${AUTOMATION_KINDS.join(", ")}`,
  );
};

/** A kind's config parsed with its schema; the error names the key (`config.after_hours: …`). */
export const parseAutomationConfig = <K extends AutomationKind>(kind: K, config: unknown): AutomationConfig<K> => {
  const result = automationConfigs[kind].safeParse(config);
  if (result.success) return result.data as AutomationConfig<K>;
  const issue = result.error.issues[0];
  const key = issue?.code === "unrecognized_keys" ? issue.keys.join(", ") : (issue?.path ?? []).join(".");
  throw invalid(key ? `config.${key}` : "config", `${issue?.message ?? "invalid"} (${kind})`);
};

/**
 * Why a schedule cannot drive an automation, or null. Automations are checked once a minute, so a
 * schedule has the five fields (minute hour day-of-month month day-of-week), read in UTC.
 */
export const automationScheduleIssue = (schedule: string): string | null => {
  if (!validate(schedule)) return "not a cron expression";
  if (schedule.trim().split(/\s+/).length !== 5)
    return "use five cron fields (minute hour day month weekday, UTC): automations run at most once a minute";
  return null;
};

/** Whether the (five-field) schedule has a slot at this minute, in UTC. */
export const scheduleMatches = (schedule: string, at: Date): boolean => {
  const f = parse(schedule);
  const has = (values: (number | string)[], v: number) => values.some((x) => Number(x) === v);
  return (
    has(f.minute, at.getUTCMinutes()) &&
    has(f.hour, at.getUTCHours()) &&
    has(f.dayOfMonth, at.getUTCDate()) &&
    has(f.month, at.getUTCMonth() + 1) &&
    (has(f.dayOfWeek, at.getUTCDay()) || (at.getUTCDay() === 0 && has(f.dayOfWeek, 7)))
  );
};

export type AutomationRunPayload = {
  automation_id: string;
  slot?: string;
  now?: string;
  manual?: boolean;
  actor?: string;
};

/** The job that runs an automation outside its schedule (`xin automation run-now`): now, once. */
export const runNowJob = (automation: { id: string; tenant_id: string }, now: Date, actor: string): NewJob => ({
  kind: AUTOMATION_RUN_JOB,
  tenant_id: automation.tenant_id,
  key: `automation:${automation.id}`,
  payload: { automation_id: automation.id, now: now.toISOString(), manual: true, actor } satisfies AutomationRunPayload,
});
