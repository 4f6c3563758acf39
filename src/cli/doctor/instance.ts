import {
  channelView,
  checkWebhookRegistration,
  listChannelRows,
  readStatus,
  testChannel,
  type InstanceStatus,
  type RegistrationVerdict,
} from "../../app";
import { isXinError, type Logger } from "../../runtime";
import type { Config } from "../../runtime/config";
import { viaServerOrStore } from "../with-store";
import { fail, ok, reason, skip, warn, type Check } from "./check";

type ChannelResult = {
  id: string;
  provider: string;
  name: string | null;
  result: string | null;
  error: string | null;
  webhook: RegistrationVerdict;
};
type Inventory = { status: InstanceStatus; channels: ChannelResult[] };

const errorText = (e: unknown) => (isXinError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ""}` : reason(e));

/** A registration that could not be read at all (an older server without the route, a store error). */
const unasked = (c: { id: string; provider: string; name: string | null }, e: unknown): RegistrationVerdict => ({
  id: c.id,
  provider: c.provider,
  name: c.name,
  status: "warn",
  detail: `not checked: ${errorText(e)}`,
  fix: `run xin doctor again; if it persists, check the webhook in ${c.provider}'s dashboard`,
});

/**
 * Reads status and checks each channel's credentials and webhook registration with its provider: through the running server's
 * admin API when one runs (the CLI never opens a store a server owns), else on the store directly.
 */
const inventory = (config: Config, log: Logger): Promise<Inventory> =>
  viaServerOrStore(config, log, {
    api: async (client) => {
      const status = await client.get<InstanceStatus>("/api/v1/status");
      const { data } = await client.get<{ data: ReturnType<typeof channelView>[] }>("/api/v1/channels");
      const channels = await Promise.all(
        data.map(async (c) => {
          const r = await client
            .request<{ result: string }>("POST", `/api/v1/channels/${encodeURIComponent(c.id)}/test`)
            .then(
              (x) => ({ result: x.result, error: null }),
              (e: unknown) => ({ result: null, error: errorText(e) }),
            );
          const webhook = await client
            .get<RegistrationVerdict>(`/api/v1/channels/${encodeURIComponent(c.id)}/webhook`)
            .catch((e: unknown) => unasked(c, e));
          return { id: c.id, provider: c.provider, name: c.name, ...r, webhook };
        }),
      );
      return { status, channels };
    },
    store: async (store) => {
      const status = await readStatus(store, config, { running: false, pid: null, uptime_seconds: null });
      const rows = await listChannelRows(store.db);
      const channels = await Promise.all(
        rows.map(async (row) => {
          const r = await testChannel(config, store.db, row.id, null).then(
            (x) => ({ result: x.result, error: null }),
            (e: unknown) => ({ result: null, error: errorText(e) }),
          );
          const webhook = await checkWebhookRegistration(config, store.db, row.id, null).catch((e: unknown) =>
            unasked(row, e),
          );
          return { id: row.id, provider: row.provider, name: row.name, ...r, webhook };
        }),
      );
      return { status, channels };
    },
  });

const storeChecks = (s: InstanceStatus): Check[] => {
  const m = s.store.migrations;
  const where = s.server.running ? `through the running server (pid ${s.server.pid})` : "directly";
  const store = ok("store", `${s.store.kind} PostgreSQL reachable ${where}`);
  const migrations = m.pending.length
    ? warn(
        "migrations",
        `${m.applied}/${m.known} applied, pending: ${m.pending.join(", ")}`,
        "run `xin migrate` (xin serve also applies them at start)",
      )
    : ok("migrations", `${m.applied}/${m.known} applied`);
  const dead = s.queue.by_state.dead ?? 0;
  const jobs = dead
    ? warn(
        "dead letters",
        `${dead} job(s) failed every attempt (replies or deliveries that never happened)`,
        "open `xin queue` to see why, then retry or drop them",
      )
    : ok("dead letters", "no dead-lettered jobs");
  return [store, migrations, jobs];
};

const channelCheck = (c: ChannelResult): Check => {
  const name = `channel ${c.provider} ${c.name ?? c.id}`;
  if (c.error)
    return fail(
      name,
      c.error,
      `check its credentials: \`xin channel test ${c.id}\`; re-add it with the right ones if the provider rejects them`,
    );
  return ok(name, c.result ?? "ok");
};

/** The provider's view of the channel's webhook: a check of its own beside the credentials one. */
const webhookCheck = (c: ChannelResult): Check => {
  const w = c.webhook;
  return { name: `webhook ${c.provider} ${c.name ?? c.id}`, status: w.status, detail: w.detail, fix: w.fix };
};

/** Store reachability and migrations, dead-lettered jobs, and every channel's credentials and webhook registration. */
export const instanceChecks = async (config: Config, log: Logger): Promise<Check[]> => {
  let inv: Inventory;
  try {
    inv = await inventory(config, log);
  } catch (e) {
    const hint =
      isXinError(e) && e.hint
        ? e.hint
        : config.database.url
          ? "check database.url and that the PostgreSQL server runs"
          : "see `xin status` for the store's error";
    return [fail("store", `not reachable: ${reason(e)}`, hint)];
  }
  const channels = inv.channels.length
    ? inv.channels.flatMap((c) => [channelCheck(c), ...(c.webhook.status === "skip" ? [] : [webhookCheck(c)])])
    : [skip("channels", "no channel added yet (`xin channel add`)")];
  return [...storeChecks(inv.status), ...channels];
};
