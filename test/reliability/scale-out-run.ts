// One scale-out run: two `xin serve` of the compiled binary on one external PostgreSQL, set up as an
// operator sets up a second server (same xin.toml and xin.env, own data dir and port), behind a
// round-robin balancer on loopback. Customers send 2–3 messages each, one after the other (the next
// once the previous was acknowledged), as signed WhatsApp and Telegram webhooks retried until a 2xx,
// some delivered twice. Instances are SIGKILLed mid-load and restarted — the first kill takes the
// scheduler's leader down long enough for the other to take the lead — while the purge schedule fires
// every 2 s. Then the fakes' sends, the store's rows and both instances' logs are compared.
import { readFileSync } from "node:fs";
import { PURGE_JOBS } from "../../src/workers";
import { startMetaGraphFake, startTelegramFake } from "../support/fakes";
import { TG, WA } from "../support/gateway";
import { Courier } from "./courier";
import { XinUnderTest } from "./instance";
import { telegramHook, telegramText, webhookUrl, whatsappHook, whatsappSent, whatsappText } from "./customer-hooks";
import { roundRobin, seeded } from "./scale-out-hooks";
import { readCustomers, readSlots, unrecordedJobs, type CustomerRows, type SlotRow } from "./scale-out-store";

/** `strandedMs`: the middle kill keeps its instance down that long (0: not at all) — past the lease, the
 *  survivor takes over the jobs the dead one held, and settles its sends in doubt. */
export type ScaleOutProfile = {
  customers: number;
  customersPerSecond: number;
  kills: number;
  leaderDownMs: number;
  strandedMs: number;
  seed: number;
};
type Provider = "whatsapp" | "telegram";
type Customer = { provider: Provider; id: string; texts: string[] };
export const PURGE_SCHEDULE = "purge finished jobs";

export type ScaleOutResult = {
  customers: Customer[];
  messages: number;
  kills: { instance: number; inCall: boolean; downMs: number; leader: boolean }[];
  seconds: number;
  webhookRetries: number;
  duplicateDeliveries: number;
  /** What each fake received, per customer id, in arrival order (Telegram unescaped). */
  sends: Record<Provider, Map<string, string[]>>;
  rows: Map<string, CustomerRows>;
  slots: SlotRow[];
  unrecordedJobs: number;
  /** From every run's log of both instances: slots each logged as fired, and refused as already fired. */
  firedInLogs: string[];
  refusedInLogs: number;
  inDoubt: Record<Provider, Record<string, number>>;
  /** For customers the fakes never saw a reply for: where their messages stand in the store. */
  unanswered?: Record<string, number>;
};

const QUESTIONS = [
  "How long does delivery to Austria take?",
  "Is shipping free?",
  "What payment methods do you accept?",
];
const ESCALATES = "Can you cancel my order 5521 and refund it?";

const pendingIn = async (databaseUrl: string, customers: Customer[]) =>
  [
    ...(
      await readCustomers(
        databaseUrl,
        customers.map((c) => c.id),
      )
    ).values(),
  ].reduce((n, c) => n + c.pending, 0);

const logLines = (x: XinUnderTest) =>
  Array.from({ length: x.starts }, (_, n) => readFileSync(x.logFile(n + 1), "utf8").split("\n"))
    .flat()
    .filter((l) => l.startsWith("{"));

/** The instance whose current process leads the schedules (its last word on it was "leading"). */
const leaderOf = (xs: XinUnderTest[]): number => {
  for (const [i, x] of xs.entries()) {
    if (!x.running) continue;
    const said = readFileSync(x.logFile(), "utf8")
      .split("\n")
      .filter((l) => l.includes('"scheduler leading"') || l.includes('"scheduler lost the lead"'));
    if (said.at(-1)?.includes("leading")) return i;
  }
  return -1;
};

export const scaleOutRun = async (profile: ScaleOutProfile, databaseUrl: string): Promise<ScaleOutResult> => {
  const random = seeded(profile.seed);
  const inbound = new Courier({ concurrency: 16, retryMs: 200, duplicateShare: 0.1, random });
  const statuses = new Courier({ concurrency: 8, retryMs: 200, duplicateShare: 0, random });
  const sends: Record<Provider, Map<string, string[]>> = { whatsapp: new Map(), telegram: new Map() };
  let killInCall: (() => void) | null = null;
  const instances: XinUnderTest[] = [];
  const lb = roundRobin(instances);
  const record = (p: Provider, to: string, text: string) => {
    sends[p].set(to, [...(sends[p].get(to) ?? []), text]);
    killInCall?.();
  };
  const meta = startMetaGraphFake({
    accessToken: WA.access_token,
    onWhatsappSend: (body, wamid) => {
      if (body.type !== "text") return;
      const to = String(body.to).replace(/^\+/, "");
      statuses.deliver(
        whatsappHook(
          lb((x) => webhookUrl(x, "whatsapp")),
          whatsappSent(to, wamid, body.biz_opaque_callback_data),
        ),
      );
      record("whatsapp", to, String((body.text as { body: string }).body));
    },
  });
  const telegram = startTelegramFake({
    token: TG.bot_token,
    onSend: (body) => record("telegram", String(body.chat_id), String(body.text).replace(/\\(.)/g, "$1")),
  });
  const started = Date.now();
  try {
    const first = await XinUnderTest.create({ meta: meta.baseUrl, telegram: telegram.url }, databaseUrl);
    first.env = { XIN_QUEUE__PURGE_SCHEDULE: "*/2 * * * * *" };
    // The first server ran before the second was set up from a copy of its data dir.
    await first.start();
    await first.stop();
    instances.push(first, await first.twin());
    for (const x of instances) await x.start();

    const customers: Customer[] = [];
    let seq = 0;
    const talk = async (c: Customer, i: number) => {
      for (const [k, text] of c.texts.entries()) {
        const hook =
          c.provider === "whatsapp"
            ? whatsappHook(
                lb((x) => webhookUrl(x, "whatsapp")),
                whatsappText(c.id, `wamid.scale.${i}.${k}`, text),
              )
            : telegramHook(
                lb((x) => webhookUrl(x, "telegram")),
                telegramText(Number(c.id), 910000000 + seq++, text),
              );
        await inbound.send(hook);
        await Bun.sleep(200 + random() * 2300); // typing the next one; some land inside the quiet window
      }
    };
    const conversations: Promise<void>[] = [];
    const load = (async () => {
      for (let i = 0; i < profile.customers; i++) {
        const provider: Provider = i % 4 === 3 ? "telegram" : "whatsapp";
        const n = 2 + Math.floor(random() * 2);
        // Distinct answerable questions; every fifth customer ends by asking for what only a human can do.
        const texts = Array.from({ length: n }, (_, k) =>
          i % 5 === 4 && k === n - 1 ? ESCALATES : QUESTIONS[(i + k) % QUESTIONS.length],
        );
        const c = { provider, id: provider === "whatsapp" ? String(4917100000000 + i) : String(710000000 + i), texts };
        customers.push(c);
        conversations.push(talk(c, i));
        await Bun.sleep(1000 / profile.customersPerSecond);
      }
      await Promise.all(conversations);
    })();

    const kills: ScaleOutResult["kills"] = [];
    const loadMs = (profile.customers / profile.customersPerSecond) * 1000;
    const spacing = loadMs / profile.kills;
    for (let n = 0; n < profile.kills; n++) {
      await Bun.sleep(spacing * (0.3 + random() * 0.6));
      // Every fourth kill, the first included, takes the leader down for a while (a rebooting server).
      const long = n % 4 === 0;
      const leader = leaderOf(instances);
      const index = long && leader >= 0 ? leader : Math.floor(random() * instances.length);
      const target = instances[index];
      let inCall = false;
      if (!long && random() < 0.5) {
        // While the fake holds a send (of either instance: the fake cannot tell them apart).
        await new Promise<void>((resolve) => {
          const fallback = setTimeout(() => ((killInCall = null), resolve()), 3000);
          killInCall = () => {
            killInCall = null;
            clearTimeout(fallback);
            inCall = true;
            target.kill().then(resolve, resolve);
          };
        });
      }
      await target.kill();
      const stranded = profile.strandedMs > 0 && n === Math.floor(profile.kills / 2);
      const downMs = stranded ? profile.strandedMs : long ? profile.leaderDownMs : random() * 500;
      kills.push({ instance: index, inCall, downMs: Math.round(downMs), leader: index === leader });
      await Bun.sleep(downMs);
      await target.start();
    }
    await load;
    await inbound.drained(120_000);
    await statuses.drained(120_000);
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      const answered = customers.every((c) => sends[c.provider].has(c.id));
      // A customer's later message may still sit in its quiet window after the first was answered.
      if (
        answered &&
        (await instances[0].openJobs()) === 0 &&
        statuses.idle &&
        (await pendingIn(databaseUrl, customers)) === 0
      )
        break;
      await Bun.sleep(250);
    }
    const rows = await readCustomers(
      databaseUrl,
      customers.map((c) => c.id),
    );
    const missing = customers
      .filter((c) => !sends[c.provider].has(c.id) || (rows.get(c.id)?.pending ?? 1) > 0)
      .map((c) => c.id);
    const unanswered = missing.length ? await instances[0].diagnose(missing) : undefined;
    for (const x of instances) await x.stop();

    const lines = instances.flatMap(logLines);
    const inDoubt: Record<Provider, Record<string, number>> = { whatsapp: {}, telegram: {} };
    const firedInLogs: string[] = [];
    let refusedInLogs = 0;
    for (const line of lines) {
      if (line.includes('"send attempt in doubt"')) {
        const { channel, resolution } = JSON.parse(line) as { channel: Provider; resolution: string };
        inDoubt[channel][resolution] = (inDoubt[channel][resolution] ?? 0) + 1;
      } else if (line.includes('"schedule fired"') && line.includes(PURGE_SCHEDULE)) {
        firedInLogs.push(
          new Date((JSON.parse(line) as { slot: string }).slot).toISOString().replace(/\.\d+Z$/, ".000Z"),
        );
      } else if (line.includes('"schedule slot already fired"')) refusedInLogs += 1;
    }
    return {
      customers,
      messages: customers.reduce((n, c) => n + c.texts.length, 0),
      kills,
      seconds: Math.round((Date.now() - started) / 1000),
      webhookRetries: inbound.retries,
      duplicateDeliveries: inbound.duplicates,
      sends,
      rows,
      slots: await readSlots(databaseUrl, PURGE_SCHEDULE, PURGE_JOBS),
      unrecordedJobs: await unrecordedJobs(databaseUrl, PURGE_SCHEDULE, PURGE_JOBS),
      firedInLogs,
      refusedInLogs,
      inDoubt,
      unanswered,
    };
  } finally {
    for (const x of instances) await x.stop();
    await meta.stop();
    await telegram.stop();
  }
};
