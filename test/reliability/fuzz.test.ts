// Fuzz (issue 17): generated requests over webhooks (signed and unsigned, all four channels), the
// widget's endpoints and every operation of the OpenAPI document the app serves (with an admin token,
// an agent's, a forged one and none), in process through the app's fetch handler, on both stores.
// Every answer must be below 500 and well formed (a JSON error body for every refusal; JSON that parses
// wherever JSON is announced), and a refused request must leave every table's row count as it was.
//
// The requests run in lanes: each lane has its own database (two on the embedded store, two on the
// external one) and sends its requests one at a time, so a change in its row counts belongs to exactly
// the request before it; the lanes run side by side, overlapping their store round trips.
//
// A request that sent no statement to the store cannot have written to it, so only requests that did
// are followed by a count (the app's store client counts its statements): exact, and half the cost.
//
// Profiles: short by default — up to 10,000 requests, stopped after 25 s so the file stays well under a
// minute on a loaded 2-core machine (the count reached is printed; how many fit depends on the load);
// RELIABILITY_PROFILE=long runs 100,000 with no time limit, RELIABILITY_FUZZ_REQUESTS=<n> exactly n.
// RELIABILITY_SEED=<n> replays a run (the seed is printed with every failure and summary).
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { newId } from "../../src/runtime";
import { openClient, schema, transaction, type StoreClient } from "../../src/runtime/db";
import { TokenBuckets } from "../../src/gateway/widget";
import { createTestDb, type StoreKindName, type TestDb } from "../support/db";
import { seedEscalation } from "../support/escalation-seed";
import { gatewayApp, setupGateway } from "../support/gateway";
import { startLiveGateway } from "../support/widget";
import {
  adminRequest,
  toRequest,
  webhookRequest,
  widgetRequest,
  type FuzzWorld,
  type Operation,
  type RequestSpec,
} from "../support/fuzz-requests";
import { setupWidgetSite } from "../support/widget";

const LONG = process.env.RELIABILITY_PROFILE === "long";
const EXACT = process.env.RELIABILITY_FUZZ_REQUESTS ? Number(process.env.RELIABILITY_FUZZ_REQUESTS) : null;
const TOTAL = EXACT ?? (LONG ? 100_000 : 10_000);
const TIME_LIMIT_MS = LONG || EXACT ? null : 25_000;
/** Requests also sent through a real listener, to see every one answered on its connection. */
const OVER_THE_WIRE = LONG ? 5_000 : 300;
const LANES: StoreKindName[] = ["embedded", "embedded", "external", "external"];
const SEED = process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : Date.now() % 2 ** 31;
const ORIGIN = "https://shop.example";
const BROWSER_REFUSALS = [
  ["http://x/embed.js", "text/javascript"],
  ["http://x/demo/", "text/html"],
] as const;
const ERROR_CODE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters: Operation["parameters"];
        requestBody?: { content: { "application/json": { schema: Operation["body"] } } };
        "x-resource"?: string;
      }
    >
  >;
};

const operationsOf = (doc: OpenApi): Operation[] =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters,
      body: op.requestBody?.content["application/json"].schema,
      resource: op["x-resource"],
    })),
  );

/** Why a response is not well formed, or null. Reads (or cancels) the body. */
const malformed = async (spec: RequestSpec, res: Response): Promise<string | null> => {
  if (res.status >= 500) return `status ${res.status}: ${await res.text()}`;
  const type = res.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) {
    await res.body?.cancel();
    return res.status === 200 ? null : `stream with status ${res.status}`;
  }
  const text = await res.text();
  if (spec.method === "HEAD") return text === "" ? null : "HEAD answered with a body";
  if (res.status < 400 && !type.includes("json"))
    return type || text === "" ? null : "a success with a body but no content type";
  // A <script src> or a browser tab gets a refusal it can show: a script that warns, or a page.
  if (BROWSER_REFUSALS.some(([prefix, kind]) => spec.url.startsWith(prefix) && type.startsWith(kind)))
    return text ? null : "an empty refusal";
  let body: { error?: { code?: unknown; message?: unknown; request_id?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON (${type}): ${text.slice(0, 80)}`;
  }
  if (res.status < 400) return null;
  const error = body.error;
  if (
    !error ||
    typeof error.code !== "string" ||
    !ERROR_CODE.test(error.code) ||
    typeof error.message !== "string" ||
    error.message === ""
  )
    return `not an error body: ${text.slice(0, 120)}`;
  // The widget's refusals are protocol frames (code, message); everything else carries the request id.
  if (!spec.url.startsWith("http://x/widget/") && typeof error.request_id !== "string")
    return `error without request_id: ${text.slice(0, 120)}`;
  return null;
};

/** Row counts of every table a request could write to, in one round trip. */
const WRITTEN = [
  "messages",
  "contacts",
  "conversations",
  "jobs",
  "escalations",
  "audit_log",
  "brands",
  "channels",
  "tokens",
  "tenants",
  "automations",
  "knowledge_sources",
  "webhook_dead_letters",
];
const snapshotQuery = `select ${WRITTEN.map((t) => `(select count(*) from ${t})::int as ${t}`).join(", ")}, (select max(updated_at) from brands)::text as brands_updated`;
const snapshot = async (db: TestDb): Promise<string> => JSON.stringify((await db.sql.unsafe(snapshotQuery))[0]);

type Lane = {
  db: TestDb & { dispose(): Promise<void> };
  app: StoreClient;
  /** Statements the app's store client has sent so far. */
  statements: { n: number };
  world: FuzzWorld;
  operations: Operation[];
  fetch: (req: Request) => Promise<Response>;
  closeStreams: () => void;
};

const openLane = async (kind: StoreKindName): Promise<Lane> => {
  const db = await createTestDb(kind, { max: 2 });
  const gw = await setupGateway(db);
  const seeded = await seedEscalation(db.db);
  const site = await setupWidgetSite(db, [ORIGIN]);
  const extra = await transaction(db.db, async ({ tx }) => {
    const [automation] = await tx
      .insert(schema.automations)
      .values({
        id: newId("aut"),
        tenant_id: seeded.tenantId,
        brand_id: seeded.brandId,
        kind: "follow_up",
        schedule: "0 9 * * *",
      })
      .returning();
    const [job] = await tx
      .insert(schema.jobs)
      .values({ kind: "ingest", tenant_id: seeded.tenantId, max_attempts: 1, payload: {} })
      .returning();
    return { automation: automation.id, job: String(job.id) };
  });
  // Agent tokens only: revoking the admin's own token would end the admin half of the run.
  const agentTokens = (await db.sql`select id from tokens where tenant_id = ${seeded.tenantId}`).map(
    (r) => r.id as string,
  );
  const world: FuzzWorld = {
    channels: {
      whatsapp: gw.channels.whatsapp.id,
      instagram: gw.channels.instagram.id,
      telegram: gw.channels.telegram.id,
      web: site.channel.id,
    },
    brandId: site.brandId,
    ids: {
      tenant: [seeded.tenantId],
      brand: [seeded.brandId, gw.brandId],
      channel: [seeded.channelId],
      conversation: [seeded.conversationId],
      contact: [seeded.contactId],
      escalation: [seeded.escalationId],
      automation: [extra.automation],
      job: [extra.job],
      token: agentTokens,
    },
    tokens: { admin: seeded.admin, agent: seeded.agent },
    origin: ORIGIN,
  };
  // Limits high enough that the widget's send path is exercised, not only its 429.
  const big = () => new TokenBuckets({ capacity: 1_000_000, refillPerSecond: 1_000_000 });
  const statements = { n: 0 };
  const client = openClient(db.target, { max: 4, onQuery: () => statements.n++ });
  const app = gatewayApp({ ...db, db: client.db, sql: client.sql }, 64 * 1024, {
    widgetLimits: { visitor: big(), ip: big(), connect: big() },
  });
  const operations = operationsOf(
    (await (await app.fetch(new Request("http://x/api/v1/openapi.json"))).json()) as OpenApi,
  );
  return { db, app: client, statements, world, operations, fetch: app.fetch, closeStreams: app.closeStreams };
};

type Tally = { counts: Map<string, number>; refused: number };

const CHUNK = 200;

/**
 * One lane's share of the run: up to `runs` generated requests, one at a time, each checked as it
 * returns, until `deadline`. Requests come in seeded chunks, so a failure names the seed, lane, chunk
 * and index that replay it.
 */
const runLane = async (lane: Lane, lanes: number, index: number, runs: number, deadline: number, tally: Tally) => {
  let before = await snapshot(lane.db);
  const request = fc.oneof(
    { arbitrary: webhookRequest(lane.world), weight: 4 },
    { arbitrary: widgetRequest(lane.world), weight: 2 },
    { arbitrary: adminRequest(lane.world, lane.operations), weight: 4 },
  );
  for (let chunk = 0, done = 0; done < runs && performance.now() < deadline; chunk++) {
    const seed = SEED + chunk * lanes + index;
    const specs = fc.sample(request, { numRuns: Math.min(CHUNK, runs - done), seed });
    for (const [i, spec] of specs.entries()) {
      if (performance.now() >= deadline) return;
      const where = `seed ${seed} (lane ${index}, chunk ${chunk}) request ${i}: ${spec.method} ${spec.url.slice(0, 200)}`;
      const sent = lane.statements.n;
      const res = await lane.fetch(toRequest(spec));
      const problem = await malformed(spec, res);
      const after = lane.statements.n === sent ? before : await snapshot(lane.db);
      const key = `${spec.area.split(" ").slice(0, 2).join(" ")} ${Math.floor(res.status / 100)}xx`;
      tally.counts.set(key, (tally.counts.get(key) ?? 0) + 1);
      if (problem) throw new Error(`${where}: ${problem}\nspec: ${JSON.stringify(spec).slice(0, 2000)}`);
      if (res.status >= 400) {
        tally.refused++;
        // A refusal writes nothing, on any table.
        if (after !== before) throw new Error(`${where}: refused with ${res.status} but wrote: ${before} -> ${after}`);
      }
      before = after;
      done++;
    }
  }
};

let lanes: Lane[] = [];
beforeAll(async () => {
  lanes = await Promise.all(LANES.map(openLane));
}, 120_000);
afterAll(async () => {
  for (const lane of lanes) {
    lane.closeStreams();
    await lane.app.close();
    await lane.db.dispose();
  }
}, 60_000);

test(
  `fuzz: ${TIME_LIMIT_MS ? `up to ${TOTAL}` : TOTAL} generated requests over webhooks, widget and admin API never get a 5xx, and refused ones write nothing (seed ${SEED})`,
  async () => {
    const tally: Tally = { counts: new Map(), refused: 0 };
    const started = performance.now();
    const perLane = Math.ceil(TOTAL / lanes.length);
    const deadline = TIME_LIMIT_MS ? started + TIME_LIMIT_MS : Number.POSITIVE_INFINITY;
    await Promise.all(lanes.map((lane, i) => runLane(lane, lanes.length, i, perLane, deadline, tally)));
    const seconds = (performance.now() - started) / 1000;
    const total = [...tally.counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `fuzz: ${total} requests in ${seconds.toFixed(1)} s over ${lanes.length} lanes (${LANES.join(", ")}), seed ${SEED}, ${tally.refused} refused:`,
      Object.fromEntries([...tally.counts].sort()),
    );
    if (!TIME_LIMIT_MS) expect(total).toBeGreaterThanOrEqual(TOTAL);
    // The run covered what it claims: every area answered, with both accepted and refused requests.
    for (const area of [
      "webhook whatsapp",
      "webhook instagram",
      "webhook telegram",
      "webhook web",
      "widget /widget/send",
      "widget /widget/sync",
      "widget /embed.js",
      "admin GET",
      "admin POST",
      "admin PATCH",
      "admin DELETE",
    ]) {
      expect([area, [...tally.counts.keys()].some((k) => k.startsWith(area))]).toEqual([area, true]);
    }
    for (const accepted of [
      "webhook whatsapp 2xx",
      "webhook instagram 2xx",
      "webhook telegram 2xx",
      "widget /widget/send 2xx",
      "admin GET 2xx",
    ]) {
      expect([accepted, (tally.counts.get(accepted) ?? 0) > 0]).toEqual([accepted, true]);
    }
    expect(tally.refused).toBeGreaterThan(total / 10);
  },
  TIME_LIMIT_MS ? 120_000 : 6 * 3_600_000,
);

test(
  `through a real listener, ${OVER_THE_WIRE} generated requests are each answered on their connection, none with a 5xx`,
  async () => {
    const lane = lanes[0];
    const live = await startLiveGateway({ ...lane.db, db: lane.app.db, sql: lane.app.sql });
    try {
      const request = fc.oneof(
        { arbitrary: webhookRequest(lane.world), weight: 4 },
        { arbitrary: widgetRequest(lane.world), weight: 2 },
        { arbitrary: adminRequest(lane.world, lane.operations), weight: 4 },
      );
      const seed = SEED + 7919;
      for (const [i, spec] of fc.sample(request, { numRuns: OVER_THE_WIRE, seed }).entries()) {
        const local = toRequest(spec);
        const where = `seed ${seed} request ${i}: ${spec.method} ${spec.url.slice(0, 200)}`;
        let res: Response;
        try {
          // The fetch client refuses a body on GET, HEAD and TRACE (the in-process run sends those too).
          const body = ["GET", "HEAD", "TRACE"].includes(spec.method) ? undefined : spec.body;
          res = await fetch(live.url + spec.url.slice("http://x".length), {
            method: local.method,
            headers: local.headers,
            body,
          });
        } catch (e) {
          throw new Error(`${where}: no answer on the connection (${String(e)})`);
        }
        // Bun's fetch client hands back a TRACE answer without its body (the server sent it:
        // server.test.ts reads it off a raw socket), so only its status is checked here.
        const problem =
          spec.method === "TRACE" ? (res.status >= 500 ? `status ${res.status}` : null) : await malformed(spec, res);
        if (problem) throw new Error(`${where}: ${problem}`);
      }
    } finally {
      await live.stop();
    }
  },
  LONG ? 3_600_000 : 60_000,
);
