// One crash run: signed customer messages from loopback fakes of Meta (WhatsApp and Instagram) and
// Telegram (retried until acknowledged, some delivered twice) and web-widget visitors (sockets that
// reconnect and resend what is pending, as embed.js does); `xin serve` SIGKILLed at random moments —
// half of the kills exactly while a provider holds a send xin has not heard back about — and restarted
// each time; once mid-run PostgreSQL itself is killed (the caller says how) and xin must recover without
// a restart. Then every customer's replies are counted where the customer sees them. Each customer sends
// one message, so exactly one reply (an answer from the demo knowledge, or the holding message of an
// escalation) is right.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_HOLDING_MESSAGE } from "../../src/orchestrator";
import { startMetaGraphFake, startTelegramFake } from "../support/fakes";
import { IG, TG, WA } from "../support/gateway";
import { Courier } from "./courier";
import {
  instagramHook,
  instagramText,
  telegramHook,
  telegramText,
  webhookUrl,
  whatsappHook,
  whatsappSent,
  whatsappText,
} from "./customer-hooks";
import { XinUnderTest } from "./instance";
import { WidgetVisitor } from "./widget-visitor";

export type CrashProfile = {
  messages: number;
  kills: number;
  ratePerSecond: number;
  seed: number;
  /** Kills PostgreSQL once, mid-run (after half of xin's kills). */
  killStore?: (xin: XinUnderTest) => Promise<void>;
  /** Starts it again a second later, where that is the operator's job (external); embedded, xin does. */
  restoreStore?: () => Promise<void>;
  /** `queue.in_doubt_wait_ms` of xin (unset: its default, a minute): how long a WhatsApp send in doubt waits for its status. */
  inDoubtWaitMs?: number;
};
export const PROVIDERS = ["whatsapp", "telegram", "instagram", "widget"] as const;
export type Provider = (typeof PROVIDERS)[number];
type Api = Exclude<Provider, "widget">;
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
  /** PostgreSQL kills, and how long xin took to answer `/readyz` 200 again: from the kill when xin restarts
   *  the server itself (embedded), from the server answering again when its operator does (external). */
  storeKills: number;
  storeRecoveryMs: number[];
  /** Whether xin's /readyz was seen answering 503 after the kill (else the outage was over before it looked). */
  storeDownSeen: boolean;
  seconds: number;
  webhookRetries: number;
  duplicateDeliveries: number;
  /** Widget: socket reconnects, and sends xin refused with an error frame (the widget shows them failed). */
  widgetReconnects: number;
  /** Widget sends xin answered `unavailable` while its store was down (kept pending, sent again). */
  widgetDeferred: number;
  widgetRefused: string[];
  providers: Record<Provider, ProviderTally>;
  /** For customers left without a reply, or who got one twice: where their messages stand in the store. */
  unanswered?: Record<string, number>;
  duplicatedAt?: Record<string, number>;
};

const QUESTIONS = [
  "How long does delivery to Austria take?",
  "Is shipping free?",
  "What payment methods do you accept?",
  "Can you cancel my order 5521 and refund it?",
];
const WIDGET_ORIGIN = "https://shop.example";

/** Mulberry32: a seeded generator, so a run's kill moments can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Five in eight customers write on WhatsApp, one each on Telegram, Instagram and the web widget. */
const providerOf = (i: number): Provider =>
  (["whatsapp", "whatsapp", "whatsapp", "telegram", "whatsapp", "instagram", "whatsapp", "widget"] as const)[i % 8];

export const crashRun = async (profile: CrashProfile, databaseUrl?: string): Promise<CrashReport> => {
  const random = seeded(profile.seed);
  const inbound = new Courier({ concurrency: 16, retryMs: 200, duplicateShare: 0.1, random });
  const statuses = new Courier({ concurrency: 8, retryMs: 200, duplicateShare: 0, random });
  const sends = Object.fromEntries(PROVIDERS.map((p) => [p, new Map<string, string[]>()])) as Record<
    Provider,
    Map<string, string[]>
  >;
  const killsInCall: Record<Provider, number> = { whatsapp: 0, telegram: 0, instagram: 0, widget: 0 };
  let killInCall: ((p: Api) => void) | null = null;
  let xin: XinUnderTest | null = null;
  let hooked: { url: string; channels: { whatsapp: string; telegram: string; instagram: string } } | null = null;
  const visitors = new Map<string, WidgetVisitor>();
  const record = (p: Provider, to: string, text: string) => {
    sends[p].set(to, [...(sends[p].get(to) ?? []), text]);
    if (p !== "widget") killInCall?.(p);
  };

  const meta = startMetaGraphFake({
    accessToken: WA.access_token,
    onWhatsappSend: (body, wamid) => {
      if (body.type !== "text" || !hooked) return;
      const to = String(body.to).replace(/^\+/, "");
      statuses.deliver(
        whatsappHook(webhookUrl(hooked, "whatsapp"), whatsappSent(to, wamid, body.biz_opaque_callback_data)),
      );
      record("whatsapp", to, String((body.text as { body: string }).body));
    },
    onInstagramSend: (body) => {
      const text = (body.message as { text?: unknown }).text;
      if (typeof text === "string") record("instagram", String((body.recipient as { id: string }).id), text);
    },
  });
  // MarkdownV2 escapes punctuation: compare the text as the customer reads it.
  const telegram = startTelegramFake({
    token: TG.bot_token,
    onSend: (body) => record("telegram", String(body.chat_id), String(body.text).replace(/\\(.)/g, "$1")),
  });
  const started = Date.now();
  try {
    xin = await XinUnderTest.create({ meta: meta.baseUrl, telegram: telegram.url }, databaseUrl);
    if (profile.inDoubtWaitMs) xin.env = { ...xin.env, XIN_QUEUE__IN_DOUBT_WAIT_MS: String(profile.inDoubtWaitMs) };
    // The fake Meta checks one token: the Instagram channel uses WhatsApp's.
    const instagram = await xin.addChannel([
      "instagram",
      "--ig-user-id",
      IG.ig_user_id,
      "--access-token",
      WA.access_token,
      "--app-secret",
      IG.app_secret,
      "--verify-token",
      IG.verify_token,
      "--api-base",
      meta.baseUrl,
    ]);
    const web = await xin.addChannel(["web", "--origin", WIDGET_ORIGIN]);
    hooked = { url: xin.url, channels: { ...xin.channels, instagram: instagram.id } };
    const hooks = hooked;
    await xin.start();
    const target = xin;
    const customers: { provider: Provider; id: string }[] = [];
    const load = (async () => {
      for (let i = 0; i < profile.messages; i++) {
        const provider = providerOf(i);
        // Shifted once per round of eight customers, so every provider gets every question (answers and escalations).
        const question = QUESTIONS[(i + Math.floor(i / 8)) % QUESTIONS.length];
        const id = {
          whatsapp: String(4915100000000 + i),
          telegram: String(700000000 + i),
          instagram: String(5290000000000000 + i),
          widget: `visitor-${i}`,
        }[provider];
        customers.push({ provider, id });
        if (provider === "widget") {
          // A visitor opens the chat, types, and closes the tab once answered (the end re-reads its history).
          const visitor = new WidgetVisitor(target.url, web.brandId, WIDGET_ORIGIN, (text) => {
            record("widget", id, text);
            visitor.close();
          });
          visitors.set(id, visitor);
          visitor.say(`crash-widget-${i}`, question);
        } else if (provider === "whatsapp")
          inbound.deliver(whatsappHook(webhookUrl(hooks, "whatsapp"), whatsappText(id, `wamid.crash.${i}`, question)));
        else if (provider === "telegram")
          inbound.deliver(
            telegramHook(webhookUrl(hooks, "telegram"), telegramText(Number(id), 900000000 + i, question)),
          );
        else
          inbound.deliver(
            instagramHook(webhookUrl(hooks, "instagram"), instagramText(id, `aWdfCRASHmid${i}`, question)),
          );
        await Bun.sleep(1000 / profile.ratePerSecond);
      }
    })();
    let kills = 0;
    const storeRecoveryMs: number[] = [];
    let storeDownSeen = false;
    let inCallTurn = 0;
    const spacing = ((profile.messages / profile.ratePerSecond) * 1000) / profile.kills;
    while (kills < profile.kills) {
      await Bun.sleep(spacing * (0.3 + random() * 0.7));
      if (profile.killStore && kills === Math.floor(profile.kills / 2) && storeRecoveryMs.length === 0) {
        // A visitor with the chat open types while the store is down: the widget must not drop it.
        const id = "visitor-outage";
        const visitor = new WidgetVisitor(target.url, web.brandId, WIDGET_ORIGIN, (text) => record("widget", id, text));
        visitors.set(id, visitor);
        await visitor.open();
        customers.push({ provider: "widget", id });
        let at = Date.now();
        await profile.killStore(target);
        await Bun.sleep(100);
        visitor.say("crash-widget-outage", QUESTIONS[0]);
        // A pooled connection's backend can outlive its postmaster for a moment: recovered means ready
        // again after /readyz has seen the store gone (or 5 s without seeing it).
        let sawDown = false;
        if (profile.restoreStore) {
          // The operator notices and starts it again a second later.
          while (Date.now() - at < 1000) {
            if (!(await target.ready())) sawDown = true;
            await Bun.sleep(50);
          }
          await profile.restoreStore();
          at = Date.now(); // from here it is xin's recovery, not the operator's
        }
        for (;;) {
          const ready = await target.ready();
          if (!ready) sawDown = true;
          if (ready && (sawDown || Date.now() - at > 5000)) break;
          if (!target.running) throw new Error("xin serve exited after PostgreSQL was killed");
          if (Date.now() - at > 60_000) throw new Error("xin not ready 60 s after PostgreSQL was killed");
          await Bun.sleep(50);
        }
        storeRecoveryMs.push(Date.now() - at);
        storeDownSeen = sawDown;
        continue;
      }
      if (random() < 0.5) {
        // Inside the provider call: the fake has the message, xin never hears back. The providers take
        // turns, so the rarer Telegram and Instagram sends get their share of these kills.
        const aim = (["whatsapp", "telegram", "instagram"] as const)[inCallTurn++ % 3];
        await new Promise<void>((resolve) => {
          const fallback = setTimeout(() => ((killInCall = null), resolve()), 5000);
          killInCall = (p) => {
            if (p !== aim) return;
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
    // Drained: every customer has a reply, every visitor's message is stored, and xin has no open job
    // (in-doubt waits included).
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      // A refused widget message will get no reply: waiting longer would not change the count.
      const done = (c: { provider: Provider; id: string }) =>
        sends[c.provider].has(c.id) || (visitors.get(c.id)?.refused.length ?? 0) > 0;
      const answered = customers.every(done) && [...visitors.values()].every((v) => v.settled);
      if (answered && (await target.openJobs()) === 0 && statuses.idle) break;
      await Bun.sleep(250);
    }
    // What each visitor sees on reloading the page: every reply stored for it, late duplicates included.
    for (const visitor of visitors.values()) {
      visitor.close();
      await visitor.reload();
    }
    const inDoubt = Object.fromEntries(PROVIDERS.map((p) => [p, {}])) as Record<Provider, Record<string, number>>;
    for (let n = 1; n <= target.starts; n++) {
      for (const line of readFileSync(target.logFile(n), "utf8").split("\n")) {
        if (!line.includes('"send attempt in doubt"')) continue;
        const { channel, resolution } = JSON.parse(line) as { channel: Provider; resolution: string };
        inDoubt[channel][resolution] = (inDoubt[channel][resolution] ?? 0) + 1;
      }
    }
    const providers = {} as Record<Provider, ProviderTally>;
    for (const p of PROVIDERS) {
      const mine = customers.filter((c) => c.provider === p);
      const replies = mine.map((c) => sends[p].get(c.id) ?? []);
      providers[p] = {
        customers: mine.length,
        // The courier posts each webhook until acknowledged; a visitor's message is acked by its echo.
        acked:
          p === "widget"
            ? mine.filter((c) => visitors.get(c.id)?.settled && !visitors.get(c.id)?.refused.length).length
            : mine.length,
        replies: replies.reduce((n, r) => n + r.length, 0),
        holding: replies.filter((r) => r[0] === DEFAULT_HOLDING_MESSAGE).length,
        lost: replies.filter((r) => r.length === 0).length,
        // A reply split into parts sends several texts; the same text twice is a duplicate.
        duplicated: replies.reduce((n, r) => n + r.length - new Set(r).size, 0),
        killsInCall: killsInCall[p],
        inDoubt: inDoubt[p],
      };
    }
    // Widget visitors are contacts by a visitor id the harness does not know: the store is asked about the others.
    const missing = customers.filter((c) => !sends[c.provider].has(c.id)).map((c) => c.id);
    const unanswered = missing.length ? await target.diagnose(missing) : undefined;
    const doubled = customers
      .filter((c) => {
        const r = sends[c.provider].get(c.id) ?? [];
        return new Set(r).size < r.length;
      })
      .map((c) => c.id);
    const duplicatedAt = doubled.length ? await target.diagnose(doubled) : undefined;
    const keep = process.env.RELIABILITY_KEEP_LOGS; // a folder: the runs' logs are copied there (the test's temp dir is removed)
    if (keep && (missing.length || doubled.length)) {
      mkdirSync(keep, { recursive: true });
      for (let n = 1; n <= target.starts; n++) copyFileSync(target.logFile(n), join(keep, `serve-${n}.log`));
      console.log(
        `logs in ${keep}; unanswered ${missing.slice(0, 5).join(",")}; duplicated ${doubled.slice(0, 5).join(",")}`,
      );
    }
    const visitorList = [...visitors.values()];
    return {
      duplicatedAt,
      kills,
      killsInCall: killsInCall.whatsapp + killsInCall.telegram + killsInCall.instagram,
      storeKills: storeRecoveryMs.length,
      storeRecoveryMs,
      storeDownSeen,
      seconds: Math.round((Date.now() - started) / 1000),
      webhookRetries: inbound.retries,
      duplicateDeliveries: inbound.duplicates,
      widgetReconnects: visitorList.reduce((n, v) => n + v.reconnects, 0),
      widgetDeferred: visitorList.reduce((n, v) => n + v.deferred, 0),
      widgetRefused: visitorList.flatMap((v) => v.refused),
      providers,
      unanswered,
    };
  } finally {
    for (const visitor of visitors.values()) visitor.close();
    await xin?.stop();
    await meta.stop();
    await telegram.stop();
  }
};
