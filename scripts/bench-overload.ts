// Overload (issue 17): offered twice what xin can answer, does it keep acknowledging webhooks fast and
// answer everything afterwards?
//   bun scripts/build.ts --no-smoke && bun scripts/bench-overload.ts [--seconds 10] [--factor 2] [--burst 1000]
//     [--store embedded|external] [--compare] (also run with queue.ack_target_ms = 0, the gate off, same run)
// Per run, on a fresh instance of dist/xin: capacity first, then open loop at --factor × capacity for
// --seconds, then the drain; ack percentiles, lost, drain time and peak PSS (scripts/lib/overload-run.ts).
// The poster is a child process on the same cores, as a real overload would be.
// test/reliability/overload.test.ts runs the short profile of this as a test.
import { runOverload } from "./lib/overload-run";

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const common = {
  seconds: Number(arg("--seconds") ?? 10),
  factor: Number(arg("--factor") ?? 2),
  burst: Number(arg("--burst") ?? 1000),
  store: (arg("--store") ?? "embedded") === "external" ? ("external" as const) : ("embedded" as const),
};

const results = [await runOverload(common)];
if (process.argv.includes("--compare")) results.push(await runOverload({ ...common, ackTargetMs: "0" }));
console.log(
  JSON.stringify(
    {
      store: common.store,
      seconds: common.seconds,
      factor: common.factor,
      cores: navigator.hardwareConcurrency,
      runs: results,
    },
    null,
    2,
  ),
);
