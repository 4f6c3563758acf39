/**
 * Fake Telegram Bot API on loopback: `POST /bot<token>/<method>` with JSON, urlencoded or multipart
 * bodies, answering `{ok, result}` or `{ok: false, error_code, description, parameters?}` like
 * api.telegram.org. Implemented methods: getMe, sendMessage, sendPhoto, sendDocument, sendChatAction,
 * answerCallbackQuery, setMessageReaction, getFile, getUpdates (long polling over `pushUpdates`),
 * setWebhook, deleteWebhook, getWebhookInfo; and file downloads at `GET /file/bot<token>/<file_path>`
 * (body `fake-file:<file_path>`). A wrong token gets 401; getUpdates while a webhook is set
 * gets the documented 409. Errors are scripted per test with `script(...)`.
 * answerCallbackQuery is checked as the Bot API checks it (callback_query_id required, text ≤ 200
 * characters, show_alert a boolean, cache_time a non-negative integer) and a query answers once: a
 * second answer gets the 400 Telegram gives a stale or unknown query. Accepted answers are in `callbackAnswers`.
 */
import { json, startFakeServer, type FakeServer } from "./fake-server";

export type TelegramFake = FakeServer & {
  /** Queue updates for getUpdates (wakes a waiting long poll). */
  pushUpdates(updates: { update_id: number }[]): void;
  setWebhookUrl(url: string): void;
  setDeliveryError(error: { message: string; date: number } | null): void;
  /** Every accepted answerCallbackQuery, in order (the press's spinner stops at the first). */
  callbackAnswers: { callback_query_id: string; text?: string; show_alert?: boolean }[];
};

const STALE_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid";

const fail = (status: number, description: string, parameters?: Record<string, unknown>) =>
  json(status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });
const ok = (result: unknown) => json(200, { ok: true, result });

/** `onSend` sees every accepted message send (sendMessage, sendPhoto, …) before its answer leaves. */
export const startTelegramFake = (options: {
  token: string;
  botId?: number;
  onSend?: (body: Record<string, unknown>) => void;
}): TelegramFake => {
  const botId = options.botId ?? Number(options.token.split(":")[0]);
  const bot = { id: botId, is_bot: true, first_name: "Xin Demo", username: "xin_demo_bot" };
  let messageId = 200;
  let webhookUrl = "";
  let deliveryError: { message: string; date: number } | null = null;
  let updates: { update_id: number }[] = [];
  let wake: (() => void) | undefined;
  const callbackAnswers: TelegramFake["callbackAnswers"] = [];

  const answerCallbackQuery = (b: Record<string, unknown>) => {
    const id = b.callback_query_id;
    if (typeof id !== "string" || id.length === 0)
      return fail(400, 'Bad Request: parameter "callback_query_id" is required');
    if (b.text !== undefined && (typeof b.text !== "string" || b.text.length > 200))
      return fail(400, "Bad Request: text is too long");
    // Form bodies carry strings; JSON ones the real types.
    if (b.show_alert !== undefined && ![true, false, "true", "false"].includes(b.show_alert as never))
      return fail(400, "Bad Request: can't parse show_alert");
    if (b.cache_time !== undefined && !(Number.isInteger(Number(b.cache_time)) && Number(b.cache_time) >= 0))
      return fail(400, "Bad Request: can't parse cache_time");
    if (callbackAnswers.some((a) => a.callback_query_id === id)) return fail(400, STALE_QUERY);
    callbackAnswers.push({
      callback_query_id: id,
      ...(typeof b.text === "string" ? { text: b.text } : {}),
      ...(b.show_alert !== undefined ? { show_alert: b.show_alert === true || b.show_alert === "true" } : {}),
    });
    return ok(true);
  };

  const sent = (b: Record<string, unknown>, extra: Record<string, unknown>) => {
    const chatId = Number(b.chat_id);
    options.onSend?.(b);
    return ok({
      message_id: ++messageId,
      from: bot,
      chat: { id: chatId, type: chatId < 0 ? "supergroup" : "private" },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    });
  };

  const getUpdates = async (b: Record<string, unknown>) => {
    if (webhookUrl)
      return fail(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    const offset = Number(b.offset ?? 0);
    // Calling with an offset confirms every earlier update, as on the real server.
    updates = updates.filter((u) => u.update_id >= offset);
    const timeoutMs = Math.min(Number(b.timeout ?? 0), 50) * 1000;
    if (updates.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        wake = () => (clearTimeout(timer), resolve());
      });
      wake = undefined;
    }
    return ok(updates.slice(0, Number(b.limit ?? 100)));
  };

  const server = startFakeServer(async (r) => {
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(r.path);
    if (file) {
      if (file[1] !== options.token) return fail(401, "Unauthorized");
      return new Response(`fake-file:${file[2]}`, { headers: { "content-type": "application/octet-stream" } });
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(r.path);
    if (!match) return fail(404, "Not Found");
    if (match[1] !== options.token) return fail(401, "Unauthorized");
    const b = { ...Object.fromEntries(r.query), ...(r.body ?? {}) };
    switch (match[2].toLowerCase()) {
      case "getme":
        return ok(bot);
      case "sendmessage": {
        if (b.chat_id === undefined) return fail(400, "Bad Request: chat_id is empty");
        const text = typeof b.text === "string" ? b.text : "";
        if (text.length === 0) return fail(400, "Bad Request: message text is empty");
        if (text.length > 4096) return fail(400, "Bad Request: message is too long");
        return sent(b, { text });
      }
      case "sendphoto":
        if (b.chat_id === undefined || b.photo === undefined)
          return fail(400, "Bad Request: there is no photo in the request");
        return sent(b, { photo: [{ file_id: "AgACFakePhoto", file_unique_id: "AQADfake", width: 800, height: 800 }] });
      case "senddocument":
        if (b.chat_id === undefined || b.document === undefined)
          return fail(400, "Bad Request: there is no document in the request");
        return sent(b, { document: { file_id: "BQACFakeDocument", file_unique_id: "AgADfake" } });
      case "answercallbackquery":
        return answerCallbackQuery(b);
      case "sendchataction":
      case "setmessagereaction":
        return ok(true);
      case "getfile":
        return ok({ file_id: b.file_id, file_unique_id: "AgADfake", file_size: 4, file_path: "voice/file_1.oga" });
      case "getupdates":
        return getUpdates(b);
      case "setwebhook":
        webhookUrl = String(b.url ?? "");
        return json(200, { ok: true, result: true, description: "Webhook was set" });
      case "deletewebhook":
        webhookUrl = "";
        return json(200, { ok: true, result: true, description: "Webhook was deleted" });
      case "getwebhookinfo":
        return ok({
          url: webhookUrl,
          has_custom_certificate: false,
          pending_update_count: updates.length,
          ...(deliveryError ? { last_error_message: deliveryError.message, last_error_date: deliveryError.date } : {}),
        });
      default:
        return fail(404, "Not Found: method not found");
    }
  });

  const resetRequests = server.reset;
  return Object.assign(server, {
    callbackAnswers,
    /** Forgets requests, scripts, queued updates and the webhook. */
    reset() {
      resetRequests();
      updates = [];
      callbackAnswers.length = 0;
      webhookUrl = "";
      deliveryError = null;
    },
    pushUpdates(more: { update_id: number }[]) {
      updates.push(...more);
      wake?.();
    },
    setWebhookUrl(url: string) {
      webhookUrl = url;
    },
    /** What getWebhookInfo reports as the last failed delivery (Unix seconds), or none. */
    setDeliveryError(error: { message: string; date: number } | null) {
      deliveryError = error;
    },
  });
};
