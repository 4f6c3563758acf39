import type { Command } from "commander";
import {
  addChannel,
  connectChannel,
  modeOf,
  nextStepFor,
  testChannel,
  verifyCredentials,
  webhookUrlOf,
  type ChannelReport,
} from "../app";
import type { Config } from "../runtime/config";
import type { ApiClient } from "./client";
import { randomToken, usageError, XinError } from "../runtime";
import { channelDetail, channelView, findChannelRow, listChannelRows, removeChannel } from "../app";
import { transaction } from "../runtime/db";
import { cliLogger, configFrom } from "./context";
import { report, table } from "./output";
import { viaServerOrStore } from "./with-store";

type ChannelView = Omit<ChannelReport, "webhook_url" | "connect" | "verified" | "next">;

type AddFlags = Record<string, string | string[] | boolean | undefined> & {
  brand: string;
  tenant?: string;
  apiBase?: string;
  name?: string;
  json?: boolean;
  config?: string;
};

/** CLI flags → each provider's credential keys (the adapters' schemas validate and name what is missing). */
const CREDENTIALS: Record<string, (f: AddFlags) => Record<string, unknown>> = {
  whatsapp: (f) => ({
    phone_number_id: f.phoneNumberId,
    access_token: f.accessToken,
    app_secret: f.appSecret,
    verify_token: f.verifyToken,
    ...(f.wabaId ? { waba_id: f.wabaId } : {}),
  }),
  instagram: (f) => ({
    ig_user_id: f.igUserId,
    access_token: f.accessToken,
    app_secret: f.appSecret,
    verify_token: f.verifyToken,
  }),
  // A webhook without a secret token would accept forged updates: generate one when none is given.
  telegram: (f) => ({
    bot_token: f.botToken,
    mode: f.mode ?? "webhook",
    ...((f.mode ?? "webhook") === "webhook"
      ? { secret_token: f.secretToken ?? randomToken(24).replace(/[^A-Za-z0-9_-]/g, "_") }
      : {}),
    ...(f.botUsername ? { bot_username: f.botUsername } : {}),
  }),
  web: (f) => ({ allowed_origins: f.origin ?? [] }),
};

const reportText = (r: ChannelReport) =>
  [
    `channel ${r.id} (${r.provider}) added to brand ${r.brand_id}`,
    table([
      ...(r.provider === "web"
        ? []
        : [
            ["webhook URL", r.webhook_url ?? `${r.webhook_path} (set server.public_url to get the full URL)`] as [
              string,
              string,
            ],
          ]),
      // The widget has no provider credentials: its allowed origins are all there is to check.
      ...(r.provider === "web" ? [] : [["credentials", r.verified] as [string, string]]),
      ...(r.connect ? [["provider", r.connect] as [string, string]] : []),
      ["next", r.next] as [string, string],
    ]),
  ].join("\n");

/**
 * `channel add` through a running server: the same steps the store path takes in process — create,
 * tell the provider where to deliver, check the credentials — so the report is the same either way.
 */
const addViaApi = async (
  client: ApiClient,
  config: Config,
  body: Record<string, unknown>,
  mode: string | undefined,
): Promise<ChannelReport> => {
  const view = await client.request<ChannelView>("POST", "/api/v1/channels", body);
  const name = PROVIDER_NAMES[view.provider] ?? view.provider;
  const connect =
    view.provider === "telegram"
      ? await client.request<{ result: string }>("POST", `/api/v1/channels/${view.id}/connect`).then(
          (r) => r.result,
          (e: Error) => `could not reach ${name}: ${e.message}; run \`xin channel connect ${view.id}\` to retry`,
        )
      : null;
  const verified = await verifyCredentials(
    async () => (await client.request<{ result: string }>("POST", `/api/v1/channels/${view.id}/test`)).result,
    name,
  );
  const webhookUrl = webhookUrlOf(config, view);
  return { ...view, webhook_url: webhookUrl, connect, verified, next: nextStepFor(view, mode, webhookUrl) };
};

const PROVIDER_NAMES: Record<string, string> = {
  whatsapp: "WhatsApp",
  instagram: "Instagram",
  telegram: "Telegram",
  web: "the web widget",
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

export const channelCommand = (program: Command) => {
  const channel = program
    .command("channel")
    .description("connect WhatsApp, Instagram, Telegram and the web widget to a brand");
  const add = channel
    .command("add")
    .description("add a channel: whatsapp | instagram | telegram | web")
    .argument("<provider>", "whatsapp, instagram, telegram or web")
    .option("--brand <brand>", "brand id, slug or name (default: the only brand)")
    .option("--tenant <tenant>", "tenant id or name, when the brand name is not unique")
    .option("--phone-number-id <id>", "WhatsApp: phone number id")
    .option("--waba-id <id>", "WhatsApp: business account id (optional)")
    .option("--ig-user-id <id>", "Instagram: professional account id")
    .option("--access-token <token>", "WhatsApp/Instagram: access token")
    .option("--app-secret <secret>", "WhatsApp/Instagram: app secret (signs webhooks; required)")
    .option("--verify-token <token>", "WhatsApp/Instagram: verify token you set in the webhook settings")
    .option("--bot-token <token>", "Telegram: bot token from @BotFather")
    .option("--mode <mode>", "Telegram: webhook (default) or polling")
    .option("--secret-token <token>", "Telegram: webhook secret token (generated when omitted)")
    .option("--bot-username <name>", "Telegram: bot username, for group mentions")
    .option("--origin <origin>", "web: an allowed site origin, e.g. https://shop.example (repeatable)", collect)
    .option("--api-base <url>", "the provider's API root (default: the real one)")
    .option("--name <name>", "a name for the channel")
    .option("--config <file>", "config file")
    .option("--json", "print one JSON document")
    .action(async (provider: string, flags: AddFlags) => {
      const build = CREDENTIALS[provider];
      if (!build)
        throw usageError(`unknown provider "${provider}"`, `use one of: ${Object.keys(CREDENTIALS).join(", ")}`);
      if (flags.mode && !["webhook", "polling"].includes(String(flags.mode)))
        throw usageError(`--mode must be webhook or polling, got "${flags.mode}"`);
      const credentials = build(flags);
      // Read when the command runs: the brand flags are settled (to ids, or the only brand) by then.
      const input = () => ({
        brand: flags.brand,
        tenant: flags.tenant,
        provider,
        credentials,
        apiBase: flags.apiBase,
        name: flags.name,
      });
      const config = configFrom(flags.config);
      const result = await viaServerOrStore<ChannelReport>(
        config,
        cliLogger(),
        {
          api: (client) =>
            addViaApi(
              client,
              config,
              {
                brand: flags.brand,
                provider,
                credentials,
                settings: flags.apiBase ? { api_base: flags.apiBase } : undefined,
                name: flags.name,
              },
              modeOf(credentials),
            ),
          store: (store) => addChannel(config, store.db, input(), "cli"),
        },
        { brand: flags },
      );
      report(result, flags, reportText);
    });
  void add;

  const common = (c: Command) => c.option("--config <file>", "config file").option("--json", "print one JSON document");

  common(channel.command("list").description("every channel with its webhook path")).action(
    async (opts: { config?: string; json?: boolean }) => {
      const config = configFrom(opts.config);
      const rows = await viaServerOrStore(config, cliLogger(), {
        api: async (client) => (await client.get<{ data: ReturnType<typeof channelView>[] }>("/api/v1/channels")).data,
        store: async (store) => (await listChannelRows(store.db)).map(channelView),
      });
      report(rows, opts, (list) =>
        list.length ? table(list.map((c) => [c.id, `${c.provider} · ${c.name} · ${c.webhook_path}`])) : "no channels",
      );
    },
  );

  common(
    channel.command("show").description("one channel (never its credentials)").argument("<id>", "channel id"),
  ).action(async (id: string, opts: { config?: string; json?: boolean }) => {
    const config = configFrom(opts.config);
    const view = await viaServerOrStore(config, cliLogger(), {
      api: (client) => client.get<ReturnType<typeof channelDetail>>(`/api/v1/channels/${encodeURIComponent(id)}`),
      store: async (store) => {
        const row = await findChannelRow(store.db, id);
        if (!row)
          throw new XinError("channel.not_found", `no channel ${id}`, { hint: "`xin channel list` shows them" });
        return channelDetail(row, config.instance_key);
      },
    });
    report(view, opts, (v) =>
      table([
        ["id", v.id],
        ["provider", v.provider],
        ["name", v.name],
        ["brand", v.brand_id],
        ...(v.mode ? [["mode", v.mode] as [string, string]] : []),
        ["webhook path", v.webhook_path],
        ["enabled", String(v.enabled)],
      ]),
    );
  });

  common(channel.command("remove").description("remove a channel").argument("<id>", "channel id")).action(
    async (id: string, opts: { config?: string; json?: boolean }) => {
      const config = configFrom(opts.config);
      await viaServerOrStore(config, cliLogger(), {
        api: (client) => client.request("DELETE", `/api/v1/channels/${encodeURIComponent(id)}`),
        store: async (store) => {
          const row = await findChannelRow(store.db, id);
          if (!row) throw new XinError("channel.not_found", `no channel ${id}`);
          await transaction(store.db, ({ tx }) => removeChannel(tx, row, "cli"));
        },
      });
      report({ removed: id }, opts, () => `removed channel ${id}`);
    },
  );

  common(
    channel
      .command("test")
      .description("check a channel's credentials with its provider")
      .argument("<id>", "channel id"),
  ).action(async (id: string, opts: { config?: string; json?: boolean }) => {
    const config = configFrom(opts.config);
    const result = await viaServerOrStore(config, cliLogger(), {
      api: (client) =>
        client.request<{ id: string; provider: string; result: string }>(
          "POST",
          `/api/v1/channels/${encodeURIComponent(id)}/test`,
        ),
      store: (store) => testChannel(config, store.db, id, null),
    });
    report(result, opts, (r) => `${r.provider} ${r.id}: ${r.result}`);
  });

  common(
    channel
      .command("connect")
      .description("tell the provider where to deliver (Telegram setWebhook; removes it in polling mode)")
      .argument("<id>", "channel id"),
  ).action(async (id: string, opts: { config?: string; json?: boolean }) => {
    const config = configFrom(opts.config);
    const result = await viaServerOrStore(config, cliLogger(), {
      api: (client) =>
        client.request<{ id: string; result: string }>("POST", `/api/v1/channels/${encodeURIComponent(id)}/connect`),
      store: async (store) => {
        const row = await findChannelRow(store.db, id);
        if (!row) throw new XinError("channel.not_found", `no channel ${id}`);
        return {
          id,
          result: (await connectChannel(config, row)) ?? "this provider's webhook is configured in its dashboard",
        };
      },
    });
    report(result, opts, (r) => `${r.id}: ${r.result}`);
  });
  return channel;
};
