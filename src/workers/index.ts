// The workers room: job handlers and the services that run them.
import type { Sql } from "postgres";
import type { Logger, Service } from "../runtime";
import type { Metrics } from "../runtime/metrics";
import { QueueRunner, type JobHandler, type QueueOptions, type Wake } from "../runtime/queue";
import { PURGE_JOBS, purgeJobsHandler } from "./maintenance";

export { schedulerService, type Schedule } from "./scheduler";
export { PURGE_JOBS } from "./maintenance";

/** Every job kind this build handles. Adding a kind = a handler file and one line here. */
export const jobHandlers = (deps: { sql: Sql; retentionDays: number }): Record<string, JobHandler> => ({
  [PURGE_JOBS]: purgeJobsHandler(deps.sql, deps.retentionDays),
});

/** The queue runner as a Service: claims from start; stop drains within the deadline. */
export const workersService = (deps: {
  sql: () => Sql;
  handlers: () => Record<string, JobHandler>;
  options: QueueOptions;
  wake: Wake;
  log: Logger;
  metrics: Metrics;
}): Service & { busy(): number } => {
  let runner: QueueRunner | null = null;
  return {
    name: "workers",
    busy: () => runner?.busy ?? 0,
    start: async () => {
      await deps.wake.listen(deps.sql(), deps.log);
      runner = new QueueRunner(deps.sql(), deps.handlers(), deps.options, deps.wake, deps.log, deps.metrics);
      runner.start();
    },
    stop: async (deadline) => {
      await runner?.stop(deadline);
      runner = null;
      await deps.wake.close();
    },
  };
};
