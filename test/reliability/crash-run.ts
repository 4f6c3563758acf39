// One crash run: signed customer messages from loopback fakes of Meta and Telegram (retried until
// acknowledged, some delivered twice), `xin serve` SIGKILLed at random moments — half of the kills
// exactly while the provider holds a send xin has not heard back about — and restarted each time; then
// every customer's replies are counted at the fakes. Each customer sends one message, so exactly one
// reply (an answer from the demo knowledge, or the holding message of an escalation) is right.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { metaSignatureHeader } from "../../src/channels";
import { DEFAULT_HOLDING_MESSAGE } from "../../src/orchestrator";
import { startMetaGraphFake, startTelegramFake } from "../support/fakes";
import { fixtureJson } from "../support/fixtures";
import { TG, WA } from "../support/gateway";
import { Courier } from "./courier";
import { XinUnderTest } from "./instance";

export type CrashProfile = { messages: number; kills: number; ratePerSecond: number; seed: number };
type Provider = "whatsapp" | "telegram";
export type ProviderTally = {
  customers: number;
  acked: number;
  replies: number;
  holding: number;
  lost: number;
  duplicated: number;
  /** Kills the harness made while the fake held one of this provider's sends unanswered. */
  killsInCall: number;
  /** Sends xin found in doubt after a restart, by how it settled them (from its logs: every process's). */
  inDoubt: Record<string, number>;
};
export type CrashReport = {
  kills: number;
  killsInCall: number;
  seconds: number;
  webhookRetries: number;
  duplicateDeliveries: number;
  providers: Record<Provider, ProviderTally>;
  /** For customers left without a reply, or who got one twice: where their messages stand in the store. */
  unanswered?: Record<string, number>;
  duplicatedAt?: Record<string, number>;
};

const QUESTIONS = ["How long does delivery to Austria take?", "Is shipping free?", "What payment methods do you accept?", "Can you cancel my order 5521 and refund it?"];

/** Mulberry32: a seeded generator, so a run's kill moments can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export const crashRun = async (profile: CrashProfile, databaseUrl?: string): Promise<CrashReport> => {
  const random = seeded(profile.seed);
  const inbound = new Courier({ concurrency: 16, retryMs: 200, duplicateShare: 0.1, random });
  const statuses = new Courier({ concurrency: 8, retryMs: 200, duplicateShare: 0, random });
  const sends: Record<Provider, Map<string, string[]>> = { whatsapp: new Map(), telegram: new Map() };
  const killsInCall: Record<Provider, number> = { whatsapp: 0, telegram: 0 };
  let killInCall: ((p: Provider) => void) | null = null;
  let xin: XinUnderTest | null = null;
  const record = (p: Provider, to: string, text: string) => {
    sends[p].set(to, [...(sends[p].get(to) ?? []), text]);
    killInCall?.(p);
  };

  const meta = startMetaGraphFake({
    accessToken: WA.access_token,
    onWhatsappSend: (body, wamid) => {
      if (body.type !== "text" || !xin) return;
      const to = String(body.to).replace(/^\+/, "");
      // What Meta does for an accepted message: a signed `sent` status echoing biz_opaque_callback_data.
      const value = { messaging_product: "whatsapp", metadata: { display_phone_number: "15550199999", phone_number_id: WA.phone_number_id }, statuses: [{ id: wamid, status: "sent", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to, ...(body.biz_opaque_callback_data ? { biz_opaque_callback_data: body.biz_opaque_callback_data } : {}) }] };
      statuses.deliver(whatsappHook(xin, { object: "whatsapp_business_account", entry: [{ id: "2200000000000007", changes: [{ field: "messages", value }] }] }));
      record("whatsapp", to, String((body.text as { body: string }).body));
    },
  });
  // MarkdownV2 escapes punctuation: compare the text as the customer reads it.
  const telegram = startTelegramFake({ token: TG.bot_token, onSend: (body) => record("telegram", String(body.chat_id), String(body.text).replace(/\\(.)/g, "$1")) });
  const started = Date.now();
  try {
    xin = await XinUnderTest.create({ meta: meta.baseUrl, telegram: telegram.url }, databaseUrl);
    await xin.start();
    const target = xin;
    const customers: { provider: Provider; id: string }[] = [];
    const load = (async () => {
      for (let i = 0; i < profile.messages; i++) {
        const provider: Provider = i % 4 === 3 ? "telegram" : "whatsapp";
        const question = QUESTIONS[(i + Math.floor(i / 4)) % QUESTIONS.length];
        const id = provider === "whatsapp" ? String(4915100000000 + i) : String(700000000 + i);
        customers.push({ provider, id });
        inbound.deliver(provider === "whatsapp" ? whatsappHook(target, whatsappText(id, `wamid.crash.${i}`, question)) : telegramHook(target, telegramText(Number(id), i, question)));
        await Bun.sleep(1000 / profile.ratePerSecond);
      }
    })();
    let kills = 0;
    const spacing = (profile.messages / profile.ratePerSecond) * 1000 / profile.kills;
    while (kills < profile.kills) {
      await Bun.sleep(spacing * (0.3 + random() * 0.7));
      if (random() < 0.5) {
        // Inside the provider call: the fake has the message, xin never hears back.
        await new Promise<void>((resolve) => {
          const fallback = setTimeout(() => ((killInCall = null), resolve()), 3000);
          killInCall = (p) => {
            killInCall = null;
            clearTimeout(fallback);
            killsInCall[p] += 1;
            target.kill().then(resolve, resolve);
          };
        });
      }
      await target.kill();
      kills += 1;
      await Bun.sleep(random() * 500); // the operator (or systemd) restarts it a moment later
      await target.start();
    }
    await load;
    await inbound.drained(120_000);
    await statuses.drained(120_000);
    // Drained: every customer has a reply and xin has no open job (in-doubt waits included).
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      const answered = customers.every((c) => sends[c.provider].has(c.id));
      if (answered && (await target.openJobs()) === 0 && statuses.idle) break;
      await Bun.sleep(250);
    }
    const inDoubt: Record<Provider, Record<string, number>> = { whatsapp: {}, telegram: {} };
    for (let n = 1; n <= target.starts; n++) {
      for (const line of readFileSync(target.logFile(n), "utf8").split("\n")) {
        if (!line.includes('"send attempt in doubt"')) continue;
        const { channel, resolution } = JSON.parse(line) as { channel: Provider; resolution: string };
        inDoubt[channel][resolution] = (inDoubt[channel][resolution] ?? 0) + 1;
      }
    }
    const providers = {} as Record<Provider, ProviderTally>;
    for (const p of ["whatsapp", "telegram"] as Provider[]) {
      const mine = customers.filter((c) => c.provider === p);
      const replies = mine.map((c) => sends[p].get(c.id) ?? []);
      providers[p] = {
        customers: mine.length,
        acked: mine.length, // the courier posts each until acknowledged: every one was acked
        replies: replies.reduce((n, r) => n + r.length, 0),
        holding: replies.filter((r) => r[0] === DEFAULT_HOLDING_MESSAGE).length,
        lost: replies.filter((r) => r.length === 0).length,
        // A reply split into parts sends several texts; the same text twice is a duplicate.
        duplicated: replies.reduce((n, r) => n + r.length - new Set(r).size, 0),
        killsInCall: killsInCall[p],
        inDoubt: inDoubt[p],
      };
    }
    const missing = customers.filter((c) => !sends[c.provider].has(c.id)).map((c) => c.id);
    const unanswered = missing.length ? await target.diagnose(missing) : undefined;
    const doubled = customers.filter((c) => { const r = sends[c.provider].get(c.id) ?? []; return new Set(r).size < r.length; }).map((c) => c.id);
    const duplicatedAt = doubled.length ? await target.diagnose(doubled) : undefined;
    const keep = process.env.RELIABILITY_KEEP_LOGS; // a folder: the runs' logs are copied there (the test's temp dir is removed)
    if (keep && (missing.length || doubled.length)) {
      mkdirSync(keep, { recursive: true });
      for (let n = 1; n <= target.starts; n++) copyFileSync(target.logFile(n), join(keep, `serve-${n}.log`));
      console.log(`logs in ${keep}; unanswered ${missing.slice(0, 5).join(",")}; duplicated ${doubled.slice(0, 5).join(",")}`);
    }
    return { duplicatedAt, kills, killsInCall: killsInCall.whatsapp + killsInCall.telegram, seconds: Math.round((Date.now() - started) / 1000), webhookRetries: inbound.retries, duplicateDeliveries: inbound.duplicates, providers, unanswered };
  } finally {
    await xin?.stop();
    await meta.stop();
    await telegram.stop();
  }
};

const whatsappHook = (xin: XinUnderTest, payload: unknown) => {
  const body = JSON.stringify(payload);
  return { url: `${xin.url}/webhooks/whatsapp/${xin.channels.whatsapp}`, headers: { "content-type": "application/json", "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body) }, body };
};

const telegramHook = (xin: XinUnderTest, payload: unknown) => ({
  url: `${xin.url}/webhooks/telegram/${xin.channels.telegram}`,
  headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG.secret_token },
  body: JSON.stringify(payload),
});

const whatsappText = (from: string, id: string, text: string) => {
  const raw = fixtureJson<{ entry: { changes: { value: { contacts: { wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[] }>("whatsapp", "inbound/text.json");
  const value = raw.entry[0].changes[0].value;
  value.contacts[0].wa_id = from;
  value.messages[0] = { ...value.messages[0], from, id, text: { body: text }, timestamp: String(Math.floor(Date.now() / 1000)) };
  return raw;
};

const telegramText = (chatId: number, i: number, text: string) => {
  const raw = fixtureJson<{ update_id: number; message: Record<string, unknown> & { from: { id: number }; chat: { id: number } } }>("telegram", "inbound/private_text.json");
  return { update_id: 900000000 + i, message: { ...raw.message, message_id: 1000 + i, from: { ...raw.message.from, id: chatId }, chat: { ...raw.message.chat, id: chatId }, date: Math.floor(Date.now() / 1000), text } };
};
