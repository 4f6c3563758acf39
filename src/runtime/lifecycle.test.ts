import { expect, test } from "bun:test";
import { startServices, type Service } from "./lifecycle";
import { silentLogger } from "./log";

const recorder = () => {
  const events: string[] = [];
  const service = (name: string, failStart = false): Service => ({
    name,
    start: async () => {
      if (failStart) throw new Error(`${name} broke`);
      events.push(`start ${name}`);
    },
    stop: async () => void events.push(`stop ${name}`),
  });
  return { events, service };
};

test("services start in order and stop in reverse, once", async () => {
  const { events, service } = recorder();
  const stop = await startServices([service("store"), service("gateway"), service("workers")], silentLogger, 1000);
  await Promise.all([stop("SIGTERM"), stop("SIGINT")]);
  expect(events).toEqual([
    "start store",
    "start gateway",
    "start workers",
    "stop workers",
    "stop gateway",
    "stop store",
  ]);
});

test("a failing start rolls back what started, in reverse, and rethrows", async () => {
  const { events, service } = recorder();
  const run = startServices([service("store"), service("gateway"), service("workers", true)], silentLogger, 1000);
  await expect(run).rejects.toThrow("workers broke");
  expect(events).toEqual(["start store", "start gateway", "stop gateway", "stop store"]);
});
