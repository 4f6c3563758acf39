import { errorCode, errorText } from "./errors";
import type { Logger } from "./log";

/**
 * A long-lived part of the process. `start` resolves when the part is ready; `stop` releases
 * everything it holds by `deadline` (epoch ms) and is idempotent.
 */
export type Service = {
  name: string;
  start(): Promise<void>;
  stop(deadline: number): Promise<void>;
};

/**
 * Starts services in order. If one fails, those already started are stopped in reverse order and the
 * error is rethrown. Returns a `stop` that stops every started service in reverse order, once.
 */
export const startServices = async (
  services: Service[],
  log: Logger,
  drainMs: number,
): Promise<(reason: string) => Promise<void>> => {
  const started: Service[] = [];
  const stopAll = async (reason: string) => {
    const deadline = Date.now() + drainMs;
    log.info("stopping", { reason });
    for (const service of started.splice(0).reverse()) {
      const t0 = performance.now();
      try {
        await service.stop(deadline);
        log.info("service stopped", { service: service.name, duration_ms: Math.round(performance.now() - t0) });
      } catch (e) {
        log.error("service stop failed", { service: service.name, err_code: errorCode(e), err: errorText(e) });
      }
    }
  };
  for (const service of services) {
    const t0 = performance.now();
    try {
      await service.start();
    } catch (e) {
      log.error("service start failed", { service: service.name, err_code: errorCode(e), err: errorText(e) });
      await stopAll(`${service.name} failed to start`);
      throw e;
    }
    started.push(service);
    log.info("service started", { service: service.name, duration_ms: Math.round(performance.now() - t0) });
  }
  let stopping: Promise<void> | null = null;
  return (reason) => (stopping ??= stopAll(reason));
};

/**
 * Resolves with the signal name on the first SIGTERM/SIGINT; a second one exits at once (the operator
 * insists). Registered listeners are removed by the returned `dispose`.
 */
export const onTerminate = (force: () => void): { signal: Promise<string>; dispose(): void } => {
  let count = 0;
  let resolve: (s: string) => void = () => {};
  const signal = new Promise<string>((r) => (resolve = r));
  const handler = (name: NodeJS.Signals) => {
    count += 1;
    if (count === 1) resolve(name);
    else force();
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return {
    signal,
    dispose: () => {
      process.off("SIGTERM", handler);
      process.off("SIGINT", handler);
    },
  };
};
