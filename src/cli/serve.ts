import type { Command } from "commander";
import { createApp } from "../app";
import { createLogger, startTelemetry } from "../runtime";
import { XIN_VERSION } from "../app";
import { onTerminate, startServices } from "../runtime/lifecycle";
import { configFrom } from "./context";

/**
 * `xin serve`: starts store → gateway → workers → scheduler; on SIGTERM/SIGINT turns /readyz to 503
 * and stops them in reverse within the drain deadline, flushes the last traces, then exits 0. A second signal exits at once.
 */
export const serveCommand = (program: Command) =>
  program
    .command("serve")
    .description("run xin: store, gateway (webhooks, widget, admin API), workers and scheduler")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .action(async (opts: { config?: string }) => {
      const config = configFrom(opts.config);
      const log = createLogger({ level: config.log.level });
      const telemetry = startTelemetry({
        endpoint: config.telemetry.otlp_endpoint,
        sampleRatio: config.telemetry.sample_ratio,
        serviceName: "xin",
        version: XIN_VERSION,
        instanceName: config.instance_name,
      });
      if (telemetry.enabled) log.info("tracing on", { otlp_endpoint: config.telemetry.otlp_endpoint });
      const app = createApp(config, log);
      const term = onTerminate(() => process.exit(1));
      const stop = await startServices(app.services, log, config.server.drain_timeout_ms);
      app.setPhase("ready");
      log.info("xin ready", { port: app.port(), store: app.store.kind, pid: process.pid });
      const signal = await term.signal;
      app.setPhase("draining");
      await stop(signal);
      // After the services: their last spans (the drain's jobs) are in the final batch.
      await telemetry.shutdown();
      term.dispose();
      log.info("xin stopped");
    });
