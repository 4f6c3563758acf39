// One provider-outage run: the compiled binary with a WhatsApp and a Telegram channel and an LLM (all
// loopback fakes) under steady signed customer load; for a window Meta answers 500s and 429s, Telegram
// 429s with `retry_after` and 5xx, and the LLM hangs past xin's timeout or answers 500; then all heal.
// Each customer sends one message, so exactly one text back — an answer, or the holding message of an
// escalation — is right. What xin did meanwhile is read from the fakes' request logs and xin's own log.
import { readFileSync } from "node:fs";
import { DEFAULT_HOLDING_MESSAGE } from "../../src/orchestrator";
import {
  startMetaGraphFake,
  startTelegramFake,
  type FakeServer,
  type RecordedRequest,
  type ScriptedReply,
} from "../support/fakes";
import { isChatRequest, serverError, startOpenAIFake } from "../support/fakes/openai";
import { fixtureJson } from "../support/fixtures";
import { TG, WA } from "../support/gateway";
import { Courier } from "./courier";
import { telegramHook, telegramText, webhookUrl, whatsappHook, whatsappSent, whatsappText } from "./customer-hooks";
import { XinUnderTest } from "./instance";

export type OutageProfile = {
  beforeMs: number;
  windowMs: number;
  afterMs: number;
  ratePerSecond: number;
  retryAfterS: number;
  llmTimeoutMs: number;
};
type Provider = "whatsapp" | "telegram";

export type ProviderTally = {
  customers: number;
  answered: number;
  holding: number;
  lost: number;
  /** Customers who got more than one text. */
  duplicated: number;
  /** Requests xin made to the provider while it was down, and how many were answered 429. */
  windowRequests: number;
  windowRateLimited: number;
  /** Requests that arrived while an earlier 429 (beyond a grace for requests already in flight) said to wait. */
  earlyAfter429: number;
};
export type OutageReport = {
  seconds: number;
  /** From healing until every message acknowledged before it had its reply at the provider. */
  drainMs: number;
  /** From healing until xin had no open job and every customer (also those after healing) was answered. */
  settledMs: number;
  webhookRetries: number;
  providers: Record<Provider, ProviderTally>;
  llm: { calls: number; windowCalls: number };
  /** xin's log: escalation reasons of the turns it answered, retries and deferrals of its jobs. */
  xin: {
    outcomes: Record<string, number>;
    retries: Record<string, number>;
    deferred: number;
    paused: Record<string, number>;
  };
  /** `xin_provider_pauses_total` by provider, read from `/metrics` at the end. */
  pausesMetric: Record<string, number>;
  /** The store at the end: outbound messages by status, jobs by kind:state. */
  stored: { outbound: Record<string, number>; jobs: Record<string, number> };
  unanswered?: Record<string, number>;
};

/** A request that started this long after a 429 may have been sent before xin read the 429. */
const IN_FLIGHT_GRACE_MS = 500;

const QUESTIONS: [string, string][] = [
  [
    "How long does delivery to Austria take?",
    "Delivery to Austria, Switzerland and the rest of the EU takes 3 to 5 working days [1].",
  ],
  ["Is shipping free?", "Shipping is free for orders over 50 euros [1]."],
  [
    "Do you ship to the United Kingdom?",
    "We ship to every country of the European Union, to Switzerland, Norway and the United Kingdom [1].",
  ],
  ["Can you cancel my order 5521 and refund it?", "I cannot do that."],
];

const waError = (file: string, status: number, headers?: Record<string, string>): ScriptedReply => ({
  status,
  body: fixtureJson("whatsapp", `errors/${file}`),
  headers,
});

export const earlyAfter429 = (requests: RecordedRequest[], waitMs: number, graceMs = IN_FLIGHT_GRACE_MS): number => {
  let last429 = -Infinity;
  let early = 0;
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  const limited = sorted.filter((r) => r.status === 429);
  let i = 0;
  for (const r of sorted) {
    while (i < limited.length && limited[i].at < r.at - graceMs) last429 = limited[i++].at;
    if (r.at < last429 + waitMs) early += 1;
  }
  return early;
};

export const outageRun = async (profile: OutageProfile): Promise<OutageReport> => {
  const sends: Record<Provider, Map<string, string[]>> = { whatsapp: new Map(), telegram: new Map() };
  const firstReplyAt = new Map<string, number>();
  const inbound = new Courier({ concurrency: 16, retryMs: 500, duplicateShare: 0, random: Math.random });
  const statuses = new Courier({ concurrency: 8, retryMs: 500, duplicateShare: 0, random: Math.random });
  let xin: XinUnderTest | null = null;
  const record = (p: Provider, to: string, text: string) => {
    sends[p].set(to, [...(sends[p].get(to) ?? []), text]);
    if (!firstReplyAt.has(`${p}:${to}`)) firstReplyAt.set(`${p}:${to}`, Date.now());
  };
  const meta = startMetaGraphFake({
    accessToken: WA.access_token,
    onWhatsappSend: (body, wamid) => {
      if (body.type !== "text" || !xin) return;
      const to = String(body.to).replace(/^\+/, "");
      statuses.deliver(
        whatsappHook(webhookUrl(xin, "whatsapp"), whatsappSent(to, wamid, body.biz_opaque_callback_data)),
      );
      record("whatsapp", to, String((body.text as { body: string }).body));
    },
  });
  const telegram = startTelegramFake({
    token: TG.bot_token,
    onSend: (body) => record("telegram", String(body.chat_id), String(body.text).replace(/\\(.)/g, "$1")),
  });
  const llm = startOpenAIFake();
  llm.setReply((messages) => {
    const asked = messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
    return QUESTIONS.find(([q]) => asked.includes(q))?.[1] ?? "I am not sure.";
  });
  const started = Date.now();
  try {
    xin = await XinUnderTest.create({ meta: meta.baseUrl, telegram: telegram.url });
    xin.env = {
      XIN_LLM__BASE_URL: llm.baseUrl,
      XIN_LLM__MODEL: "gpt-fake",
      XIN_LLM__TIMEOUT_MS: String(profile.llmTimeoutMs),
      // The outage is under test, not the answer budget: no per-contact or per-tenant answer limits.
      XIN_ANSWER__TENANT_LLM_ANSWERS_PER_MINUTE: "0",
      XIN_ANSWER__CONTACT_ANSWERS_PER_MINUTE: "0",
    };
    await xin.start();
    const target = xin;
    const customers: { provider: Provider; id: string; postedAt: number }[] = [];
    const total = Math.round(((profile.beforeMs + profile.windowMs + profile.afterMs) / 1000) * profile.ratePerSecond);
    const load = (async () => {
      for (let i = 0; i < total; i++) {
        const provider: Provider = i % 4 === 3 ? "telegram" : "whatsapp";
        const question = QUESTIONS[(i + Math.floor(i / 4)) % QUESTIONS.length][0];
        const id = provider === "whatsapp" ? String(4915200000000 + i) : String(710000000 + i);
        customers.push({ provider, id, postedAt: Date.now() });
        inbound.deliver(
          provider === "whatsapp"
            ? whatsappHook(webhookUrl(target, "whatsapp"), whatsappText(id, `wamid.outage.${i}`, question))
            : telegramHook(webhookUrl(target, "telegram"), telegramText(Number(id), 910000000 + i, question)),
        );
        await Bun.sleep(1000 / profile.ratePerSecond);
      }
    })();

    await Bun.sleep(profile.beforeMs);
    const wait = { "retry-after": String(profile.retryAfterS) };
    const down = Date.now();
    // Meta: its documented error bodies (131000, 131016 with HTTP 500; code 4 — what its OpenAPI maps 429 to).
    meta.outage(
      [
        waError("131000_unknown_error.500.json", 500),
        waError("4_app_rate_limit.400.json", 429, wait),
        waError("131016_service_unavailable.500.json", 500),
      ],
      (r) => r.method === "POST" && r.path.endsWith("/messages"),
    );
    telegram.outage([
      {
        status: 429,
        body: {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${profile.retryAfterS}`,
          parameters: { retry_after: profile.retryAfterS },
        },
      },
      { status: 500, body: { ok: false, error_code: 500, description: "Internal Server Error: restart" } },
      { status: 502, body: "<html><head><title>502 Bad Gateway</title></head></html>" },
    ]);
    llm.outage([{ hang: true }, serverError(500), { hang: true }, serverError(503)], isChatRequest);
    await Bun.sleep(profile.windowMs);
    meta.outage(null);
    telegram.outage(null);
    llm.outage(null);
    const healed = Date.now();
    const backlog = customers.slice();
    await load;
    await inbound.drained(120_000);
    const deadline = Date.now() + 240_000;
    let drainedAt = 0;
    while (Date.now() < deadline) {
      if (!drainedAt && backlog.every((c) => sends[c.provider].has(c.id)))
        drainedAt = Math.max(healed, ...backlog.map((c) => firstReplyAt.get(`${c.provider}:${c.id}`) ?? 0));
      const answered = customers.every((c) => sends[c.provider].has(c.id));
      if (answered && statuses.idle && (await target.openJobs()) === 0) break;
      await Bun.sleep(250);
    }
    const settled = Date.now();
    const inWindow = (f: FakeServer, match: (r: RecordedRequest) => boolean) =>
      f.requests.filter((r) => r.at >= down && r.at < healed && match(r));
    const providerRequests = {
      whatsapp: (r: RecordedRequest) => r.method === "POST" && r.path.endsWith("/messages"),
      telegram: () => true,
    };
    const fakes = { whatsapp: meta, telegram };
    const providers = {} as Record<Provider, ProviderTally>;
    for (const p of ["whatsapp", "telegram"] as Provider[]) {
      const mine = customers.filter((c) => c.provider === p).map((c) => sends[p].get(c.id) ?? []);
      const window = inWindow(fakes[p], providerRequests[p]);
      providers[p] = {
        customers: mine.length,
        answered: mine.filter((r) => r.length > 0 && r[0] !== DEFAULT_HOLDING_MESSAGE).length,
        holding: mine.filter((r) => r[0] === DEFAULT_HOLDING_MESSAGE).length,
        lost: mine.filter((r) => r.length === 0).length,
        duplicated: mine.filter((r) => r.length > 1).length,
        windowRequests: window.length,
        windowRateLimited: window.filter((r) => r.status === 429).length,
        earlyAfter429: earlyAfter429(fakes[p].requests.filter(providerRequests[p]), profile.retryAfterS * 1000),
      };
    }
    const missing = customers.filter((c) => !sends[c.provider].has(c.id)).map((c) => c.id);
    return {
      seconds: Math.round((Date.now() - started) / 1000),
      drainMs: drainedAt ? drainedAt - healed : -1,
      settledMs: settled - healed,
      webhookRetries: inbound.retries,
      providers,
      llm: { calls: llm.chatRequests().length, windowCalls: inWindow(llm, isChatRequest).length },
      xin: readLog(target),
      pausesMetric: await pausesMetric(target),
      stored: await target.storeTally(),
      unanswered: missing.length ? await target.diagnose(missing) : undefined,
    };
  } finally {
    await xin?.stop();
    await meta.stop();
    await telegram.stop();
    await llm.stop();
  }
};

const pausesMetric = async (xin: XinUnderTest): Promise<Record<string, number>> => {
  const text = await fetch(`${xin.url}/metrics`).then((r) => r.text());
  return Object.fromEntries(
    [...text.matchAll(/^xin_provider_pauses_total\{provider="(\w+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]),
  );
};

/**
 * Tallies xin's JSON log lines: how turns ended (outcome/reason), retries (per job kind; an LLM call's
 * own retries carry none), deferred jobs, and the pauses a provider's failure started or extended.
 */
const readLog = (xin: XinUnderTest): OutageReport["xin"] => {
  const tally: OutageReport["xin"] = { outcomes: {}, retries: {}, deferred: 0, paused: {} };
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  for (let n = 1; n <= xin.starts; n++) {
    for (const line of readFileSync(xin.logFile(n), "utf8").split("\n")) {
      if (!line.startsWith("{")) continue;
      const entry = JSON.parse(line) as {
        msg?: string;
        outcome?: string;
        reason?: string;
        kind?: string;
        channel?: string;
      };
      if (entry.msg === "respond done")
        bump(tally.outcomes, entry.reason ? `${entry.outcome}:${entry.reason}` : String(entry.outcome));
      else if (entry.msg === "will retry") bump(tally.retries, entry.kind ?? "llm call");
      else if (entry.msg === "provider paused") bump(tally.paused, String(entry.channel));
      else if (entry.msg === "job deferred") tally.deferred += 1;
    }
  }
  return tally;
};
