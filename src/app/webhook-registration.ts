import type { WebhookRegistration } from "../channels";
import { XinError } from "../runtime";
import type { Config } from "../runtime/config";
import type { Db } from "../runtime/db";
import { bindChannel, findChannelRow, providerContext } from "../tenancy";
import { webhookUrlOf } from "./channels";

/** `xin doctor`'s verdict on one channel's webhook registration, with the fix for anything not ok. */
export type RegistrationVerdict = {
  id: string;
  provider: string;
  name: string | null;
  status: "ok" | "warn" | "fail" | "skip";
  detail: string;
  fix: string | null;
};
type Verdict = Pick<RegistrationVerdict, "status" | "detail" | "fix">;

const DAY_MS = 86_400_000;
const ok = (detail: string): Verdict => ({ status: "ok", detail, fix: null });

/** Telegram-style facts: the URL the provider delivers to, pending updates, its last delivery error. */
const judgeUrl = (
  reg: WebhookRegistration & { url: string },
  expected: string | null,
  polling: boolean,
  connect: string,
  now: number,
): Verdict => {
  if (polling) {
    return reg.url
      ? {
          status: "fail",
          detail: `polling mode, but a webhook is set (${reg.url}): getUpdates is refused while it is`,
          fix: `remove it: ${connect}`,
        }
      : ok("polling mode: no webhook set, xin serve fetches the updates");
  }
  if (!expected)
    return {
      status: "fail",
      detail: "webhook mode, but server.public_url is not set: there is no URL to deliver to",
      fix: `set server.public_url, then ${connect}`,
    };
  if (!reg.url) return { status: "fail", detail: "no webhook is set: nothing is delivered", fix: connect };
  if (reg.url !== expected)
    return { status: "fail", detail: `delivers to ${reg.url}, not to this instance (${expected})`, fix: connect };
  const pending = reg.pending ? `; ${reg.pending} update(s) waiting` : "";
  const error = reg.lastError;
  if (error && (!error.at || now - Date.parse(error.at) < DAY_MS)) {
    return {
      status: "warn",
      detail: `delivers to ${reg.url}, but the last delivery failed${error.at ? ` at ${error.at}` : ""}: ${error.message}${pending}`,
      fix: `check that ${reg.url} answers from the internet over HTTPS with a valid certificate (ports 443, 80, 88 or 8443) and that xin serve runs`,
    };
  }
  return ok(`delivers to ${reg.url}${pending}`);
};

/** Meta-style facts: the apps subscribed to the account's webhooks and their fields. */
const judgeSubscriptions = (
  subs: NonNullable<WebhookRegistration["subscriptions"]>,
  reg: WebhookRegistration,
  expected: string | null,
): Verdict => {
  const subscribe = reg.howToSubscribe ?? "subscribe the app to the account's webhooks in the provider's dashboard";
  if (subs.length === 0)
    return {
      status: "fail",
      detail: "no app is subscribed to this account's webhooks: nothing is delivered",
      fix: subscribe,
    };
  const withoutMessages = subs.filter((s) => s.fields && !s.fields.includes("messages"));
  if (withoutMessages.length === subs.length) {
    return {
      status: "fail",
      detail: `subscribed without the "messages" field (fields: ${withoutMessages.flatMap((s) => s.fields ?? []).join(", ") || "none"})`,
      fix: subscribe,
    };
  }
  const apps = subs.map((s) => `${s.app ?? "an app"}${s.fields ? ` (${s.fields.join(", ")})` : ""}`).join("; ");
  return ok(
    `subscribed: ${apps}; its callback URL is set in the app dashboard and should be ${expected ?? "https://<server.public_url>/webhooks/…"}`,
  );
};

/** Judges what the provider said; pure, so every branch is tested without a provider. */
export const judgeRegistration = (
  reg: WebhookRegistration,
  context: { expected: string | null; polling: boolean; connect: string },
  now = Date.now(),
): Verdict => {
  if (reg.unreadable) {
    return {
      status: "warn",
      detail: reg.unreadable,
      fix: `check it in the provider's dashboard: callback URL ${context.expected ?? "https://<server.public_url>/webhooks/…"}; ${reg.howToSubscribe ?? ""}`.replace(
        /; $/,
        "",
      ),
    };
  }
  if (reg.url !== undefined)
    return judgeUrl({ ...reg, url: reg.url }, context.expected, context.polling, context.connect, now);
  if (reg.subscriptions) return judgeSubscriptions(reg.subscriptions, reg, context.expected);
  return { status: "skip", detail: "the provider reported nothing to check", fix: null };
};

/** Asks a channel's provider where and whether it delivers webhooks, and judges the answer. */
export const checkWebhookRegistration = async (
  config: Config,
  db: Db,
  id: string,
  tenantId: string | null,
): Promise<RegistrationVerdict> => {
  const row = await findChannelRow(db, id, tenantId);
  if (!row) throw new XinError("channel.not_found", `no channel ${id}`, { status: 404 });
  const bound = bindChannel(row, config.instance_key);
  const base = { id: row.id, provider: row.provider, name: row.name };
  const adapter = bound.adapter;
  if (!adapter.webhookRegistration)
    return {
      ...base,
      status: "skip",
      detail: `${adapter.displayName} has no webhook registration to check`,
      fix: null,
    };
  const ctx = providerContext(row, bound, { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000 });
  let reg: WebhookRegistration;
  try {
    reg = await adapter.webhookRegistration(ctx);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      ...base,
      status: "warn",
      detail: `cannot ask ${adapter.displayName} at ${ctx.baseUrl}: ${why}`,
      fix: `fix the credentials check first: xin channel test ${row.id}`,
    };
  }
  const polling = bound.binding.credentials.mode === "polling";
  return {
    ...base,
    ...judgeRegistration(reg, {
      expected: webhookUrlOf(config, row),
      polling,
      connect: `xin channel connect ${row.id}`,
    }),
  };
};
