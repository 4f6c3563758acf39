// `xin eval answers` as an owner runs it, from the source CLI (no build needed): on the store when no
// server runs, then through a running `xin serve`; exit 0 when the suite passes, 1 on any wrong answer or
// missed escalation (with one JSON document on stdout under --json), 2 on usage errors.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, serve } from "../support/binary";

const root = join(import.meta.dir, "../..");
let dir = "";
let xin = "";
let config = "";
let port = 0;

const run = async (...args: string[]) => {
  const p = Bun.spawn([xin, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
};
const evalAnswers = (file: string, ...more: string[]) =>
  run("eval", "answers", join(dir, file), "--brand", "kite-shop", "--config", config, ...more);

const write = (name: string, body: unknown) =>
  writeFileSync(join(dir, name), typeof body === "string" ? body : JSON.stringify(body));

type Out = {
  passed: boolean;
  counts: Record<string, number>;
  items: { q: string; verdict: string; outcome: string; reason: string | null; miss: string | null }[];
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "xin-evalcli-"));
  chmodSync(dir, 0o755);
  xin = join(dir, "xin");
  writeFileSync(xin, `#!/bin/sh\nexec ${join(root, "node_modules/.bin/bun")} ${join(root, "src/cli/main.ts")} "$@"\n`);
  chmodSync(xin, 0o755);
  port = freePort();
  config = join(dir, "data/xin.toml");
  expect(
    (await run("init", "--yes", "--data-dir", join(dir, "data"), "--brand", "Kite Shop", "--port", String(port))).code,
  ).toBe(0);
  mkdirSync(join(dir, "docs"));
  write(
    "docs/shipping.md",
    "# Shipping\n\n## Delivery times\n\nOrders within Germany arrive in 2 to 3 working days. Shipping to Austria takes 4 to 6 working days.\n",
  );
  write(
    "docs/repairs.md",
    "# Repairs\n\n## Torn kites\n\nTorn kites are repaired for free within two years of purchase.\n",
  );
  expect((await run("ingest", join(dir, "docs"), "--brand", "kite-shop", "--config", config)).code).toBe(0);
  write("passing.json", {
    answer: [{ q: "How long does shipping to Austria take?", phrase: "4 to 6 working days", source: "shipping.md" }],
    escalate: [{ q: "I want to speak to a human", why: "asks for a person" }],
  });
  // The owner's expectations disagree with the documents: the reply is "wrong", and a question that is
  // answered where the owner wants a hand-off is a missed escalation.
  write("failing.json", {
    answer: [
      { q: "How long does shipping to Austria take?", phrase: "4 to 6 working days", source: "shipping.md" },
      { q: "Are torn kites repaired for free?", phrase: "within five years", source: "repairs.md" },
      { q: "Do you sell surfboards?", phrase: "surfboards", source: "catalogue.md" },
    ],
    escalate: [{ q: "How long does delivery within Germany take?", why: "the owner wants staff to answer" }],
  });
}, 60_000);

// The data dir holds a PostgreSQL cluster: removing it takes a while on a loaded machine.
afterAll(() => rmSync(dir, { recursive: true, force: true }), 60_000);

test("on the store: a passing suite exits 0 and prints the table", async () => {
  const r = await evalAnswers("passing.json");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("right  by hand-off  escalated  wrong  missed-esc  over-esc  sent right");
  expect(r.stdout).toContain("passed: no wrong answer, no missed escalation");
}, 30_000);

test("on the store: a wrong answer and a missed escalation exit 1, each with its reason; --json is one document", async () => {
  const human = await evalAnswers("failing.json");
  expect(human.code).toBe(1);
  expect(human.stdout).toContain('WRONG  [failing] "Are torn kites repaired for free?": lacks "within five years"');
  expect(human.stdout).toContain('MISSED ESCALATION  [failing] "How long does delivery within Germany take?"');
  expect(human.stdout).toContain('over-escalated  [failing] "Do you sell surfboards?"');
  expect(human.stdout).toContain("FAILED: 1 wrong answer(s), 1 missed escalation(s)");

  const json = await evalAnswers("failing.json", "--json");
  expect(json.code).toBe(1);
  const out = JSON.parse(json.stdout) as Out;
  expect(out.passed).toBe(false);
  expect(out.counts).toMatchObject({
    right: 1,
    right_by_handoff: 0,
    wrong: 1,
    missed_escalation: 1,
    over_escalated: 1,
    escalated: 0,
    answerable: 3,
    must_escalate: 1,
    sent: 3,
    sent_right: 1,
  });
  expect(out.items.map((i) => i.verdict)).toEqual(["right", "wrong", "over_escalated", "missed_escalation"]);
  expect(out.items[2]).toMatchObject({ outcome: "escalation", reason: expect.any(String) });
}, 30_000);

test("usage errors exit 2 and touch nothing: no such file, a malformed set; with one brand --brand may be left out", async () => {
  const missing = await evalAnswers("nope.json");
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("nope.json: no such file");
  write("malformed.json", { answer: [{ q: "Hours?", source: "faq.md" }] });
  const malformed = await evalAnswers("malformed.json", "--json");
  expect(malformed.code).toBe(2);
  expect(JSON.parse(malformed.stdout)).toMatchObject({ error: { code: "eval.set_invalid" } });
  expect(malformed.stderr).toContain("answer.0.phrase");
  expect((await run("eval", "answers", join(dir, "passing.json"), "--config", config)).code).toBe(0);
}, 30_000);

test("through a running server: the same verdicts, from the server's pipeline", async () => {
  const server = await serve(xin, config, port);
  try {
    const r = await evalAnswers("failing.json", "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.items.map((i) => i.verdict)).toEqual(["right", "wrong", "over_escalated", "missed_escalation"]);
    expect((await evalAnswers("passing.json")).code).toBe(0);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}, 30_000);
