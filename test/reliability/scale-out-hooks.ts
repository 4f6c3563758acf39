// The scale-out suite's load balancer and seeded randomness (its webhooks are customer-hooks.ts's).
import type { XinUnderTest } from "./instance";

/** Round-robin over the instances, as a load balancer in front of them: every call names the next. */
export const roundRobin = (instances: XinUnderTest[]) => {
  let next = 0;
  return (path: (x: XinUnderTest) => string) => () => path(instances[next++ % instances.length]);
};
export type Balancer = ReturnType<typeof roundRobin>;

/** Mulberry32: a seeded generator, so a run's kill moments and customers can be replayed. */
export const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
