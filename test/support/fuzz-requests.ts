// fast-check arbitraries for whole HTTP requests against the gateway: signed and unsigned webhooks of
// every provider, widget calls, and every admin-API operation of the served OpenAPI document, each
// mostly well-formed with a mutation somewhere (wrong types, hostile strings, out-of-range numbers,
// bad escapes, deep nesting, wrong methods and tokens). A spec is plain data; `toRequest` builds the
// (single-use) Request.
import fc from "fast-check";
import { instagramBody, signedWebhook, telegramBody, whatsappBody, type Provider } from "./bad-input";

export type RequestSpec = {
  area: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  sign?: Provider;
  channelId?: string;
};

export type FuzzWorld = {
  channels: Record<Provider | "web", string>;
  brandId: string;
  ids: Record<string, string[]>;
  tokens: { admin: string; agent: string };
  origin: string;
};

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
};
export type Operation = {
  method: string;
  path: string;
  parameters: { name: string; in: string; schema: JsonSchema }[];
  body?: JsonSchema;
  resource?: string;
};

/** Strings a careless handler chokes on: NUL, unpaired surrogates, escapes, injections, huge ones. */
const HOSTILE = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "%00",
  "%",
  "%E0%A4%A",
  "%ED%A0%80",
  "../../etc/passwd",
  "\u202e",
  "👟",
  "'; drop table messages; --",
  "${x}",
  "\\",
  "\n\r",
  " ",
  "",
  "null",
  "1e308",
  "-1",
  "9".repeat(40),
  "x".repeat(3000),
];
/** `value` one time in `inverse`, else null (fc.option's `freq` is the other way round: 1/freq is null). */
const sometimes = <T>(value: fc.Arbitrary<T>, inverse: number): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: value, weight: 1 }, { arbitrary: fc.constant(null), weight: inverse - 1 });
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
export const hostileString = fc.oneof(
  { arbitrary: fc.string({ maxLength: 24 }), weight: 3 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 24 }), weight: 2 },
  { arbitrary: fc.string({ unit: codeUnit, maxLength: 12 }), weight: 2 },
  { arbitrary: fc.constantFrom(...HOSTILE), weight: 3 },
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, -1e308, 2 ** 53, -1, 0, 0.5, 253402300800),
);
// Cheaper than fc.jsonValue (generation is a real share of the run's time) and biased to what breaks handlers.
const scalar = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: scalar, weight: 4 },
  { arbitrary: fc.array(scalar, { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.dictionary(hostileString, scalar, { maxKeys: 3 }), weight: 1 },
);

/** A value for `schema`, or (sometimes) anything at all in its place. */
export const fromSchema = (schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> => {
  const wrong = depth > 4 ? anyJson : fc.oneof(anyJson, fc.constant(undefined));
  if (!schema || depth > 4) return anyJson;
  let right: fc.Arbitrary<unknown>;
  if (schema.enum) right = fc.constantFrom(...schema.enum);
  else if (schema.anyOf) right = fc.oneof(...schema.anyOf.map((s) => fromSchema(s, depth + 1)));
  else {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === "string")
      right = fc.oneof(
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }),
        hostileString,
      );
    else if (type === "integer")
      right = fc.oneof(
        fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1000, 2 ** 31) }),
        hostileNumber,
      );
    else if (type === "number") right = hostileNumber;
    else if (type === "boolean") right = fc.boolean();
    else if (type === "array") right = fc.array(fromSchema(schema.items, depth + 1), { maxLength: 4 });
    else if (type === "object" || schema.properties) {
      const props = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => [k, fromSchema(s, depth + 1)]),
      );
      right = fc
        .tuple(
          fc.record(props, { requiredKeys: schema.required ?? [] }),
          sometimes(fc.dictionary(hostileString, anyJson, { maxKeys: 2 }), 6),
        )
        .map(([o, extra]) => ({ ...o, ...extra }));
    } else right = anyJson;
  }
  return fc.oneof({ arbitrary: right, weight: 6 }, { arbitrary: wrong, weight: 1 });
};

/** Percent-encodes text the way a client would, or leaves it raw (bad escapes and all). */
const encode = (text: string, raw: boolean): string => {
  if (raw) return text.replace(/[#?/\s]/g, encodeURIComponent);
  return text.isWellFormed()
    ? encodeURIComponent(text)
    : encodeURIComponent(text.toWellFormed()).replace(/%EF%BF%BD/g, "%ED%A0%80");
};
const encoded = (value: fc.Arbitrary<string>) => fc.tuple(value, fc.nat(9)).map(([v, roll]) => encode(v, roll < 3));

const deepJson = fc.integer({ min: 60, max: 5000 }).map((n) => `{"name":${"[".repeat(n)}${"]".repeat(n)}}`);
const bodyText = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { arbitrary: value.map((v) => (v === undefined ? undefined : JSON.stringify(v))), weight: 8 },
    { arbitrary: fc.string({ unit: codeUnit, maxLength: 30 }), weight: 1 },
    { arbitrary: deepJson, weight: 1 },
  );

const auth = (world: FuzzWorld) =>
  fc.constantFrom<Record<string, string>>(
    { authorization: `Bearer ${world.tokens.admin}` },
    { authorization: `Bearer ${world.tokens.admin}` },
    { authorization: `Bearer ${world.tokens.agent}` },
    {},
    { authorization: "Bearer not.a.token" },
    { authorization: `Basic ${btoa("admin:admin")}` },
  );

const METHODS = ["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "HEAD", "PROPFIND", "TRACE"];

/** One admin-API operation of the document with generated params, query, body, method and token. */
export const adminRequest = (world: FuzzWorld, operations: Operation[]): fc.Arbitrary<RequestSpec> =>
  fc.constantFrom(...operations).chain((op) => {
    const pathParams = op.parameters.filter((p) => p.in === "path");
    const queryParams = op.parameters.filter((p) => p.in === "query");
    const idPool = world.ids[op.resource ?? ""] ?? [];
    const id = idPool.length
      ? fc.oneof({ arbitrary: fc.constantFrom(...idPool), weight: 3 }, { arbitrary: encoded(hostileString), weight: 1 })
      : encoded(hostileString);
    const query = fc.record(
      Object.fromEntries(
        queryParams.map((p) => [
          p.name,
          fromSchema(p.schema).map((v) =>
            v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v),
          ),
        ]),
      ),
      { requiredKeys: [] },
    );
    return fc
      .record({
        method: fc.oneof(
          { arbitrary: fc.constant(op.method), weight: 9 },
          { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
        ),
        ids: fc.array(id, { minLength: pathParams.length, maxLength: pathParams.length }),
        query: fc.tuple(query, sometimes(fc.tuple(hostileString, hostileString), 5)),
        body: op.body ? bodyText(fromSchema(op.body)) : sometimes(bodyText(anyJson), 6),
        headers: auth(world),
        rawQuery: fc.nat(9).map((roll) => roll < 2),
      })
      .map(({ method, ids, query: [q, extra], body, headers, rawQuery }) => {
        let i = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => ids[i++] ?? "x");
        const pairs = Object.entries(q).filter(([, v]) => v !== undefined) as [string, string][];
        if (extra) pairs.push(extra);
        const search = pairs.map(([k, v]) => `${encode(k, false)}=${encode(v, rawQuery)}`).join("&");
        const withBody = method !== "GET" && method !== "HEAD" && body !== undefined && body !== null;
        return {
          area: `admin ${op.method} ${op.path}`,
          method,
          url: `http://x${path}${search ? `?${search}` : ""}`,
          headers: { ...headers, "content-type": "application/json" },
          body: withBody ? body : undefined,
        };
      });
  });

const epoch = fc.oneof(
  { arbitrary: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }), weight: 5 },
  { arbitrary: hostileNumber, weight: 1 },
);
const idText = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 20 }), weight: 4 },
  { arbitrary: hostileString, weight: 1 },
);
const text = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 4 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }), weight: 2 },
  { arbitrary: hostileString, weight: 1 },
);
/** Each WhatsApp type with a content object of its own shape (mostly right), or a stranger. */
const WA_CONTENT: Record<string, fc.Arbitrary<unknown>> = {
  text: fc.record({ body: text }),
  image: fc.record(
    { id: idText, caption: text, mime_type: fc.constantFrom("image/jpeg", "x") },
    { requiredKeys: ["id"] },
  ),
  location: fc.record(
    {
      latitude: fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), hostileNumber),
      longitude: fc.double({ min: -180, max: 180, noNaN: true }),
      name: text,
    },
    { requiredKeys: ["latitude", "longitude"] },
  ),
  interactive: fc.record(
    {
      type: fc.constantFrom("button_reply", "list_reply", "nfm_reply"),
      button_reply: fc.record({ id: idText, title: text }),
    },
    { requiredKeys: ["type"] },
  ),
  button: fc.record({ payload: text, text }),
  reaction: fc.record({ message_id: idText, emoji: fc.constantFrom("👍", "", "x") }, { requiredKeys: ["message_id"] }),
  order: anyJson,
  unsupported: fc.constant(undefined),
  hologram: anyJson,
};

const whatsappMessage = fc
  .record({
    id: idText.map((s) => `wamid.${s}`),
    from: fc.oneof({ arbitrary: fc.constant("4917000000001"), weight: 4 }, { arbitrary: idText, weight: 1 }),
    timestamp: fc.oneof(epoch.map(String), epoch),
    type: fc.constantFrom(...Object.keys(WA_CONTENT)),
    stranger: sometimes(anyJson, 8),
  })
  .chain(({ stranger, ...m }) =>
    (stranger === null ? WA_CONTENT[m.type] : fc.constant(stranger)).map((content) => ({ ...m, [m.type]: content })),
  );

const telegramMessage = fc.record(
  {
    date: epoch,
    text: fc.oneof({ arbitrary: text, weight: 6 }, { arbitrary: anyJson, weight: 1 }),
    chat: fc.record({
      id: fc.oneof({ arbitrary: fc.integer(), weight: 6 }, { arbitrary: hostileNumber, weight: 1 }),
      type: fc.constantFrom("private", "group", "supergroup", "channel", "x"),
    }),
    entities: fc.array(
      fc.record({
        type: fc.constantFrom("bot_command", "mention"),
        offset: fc.oneof({ arbitrary: fc.nat(30), weight: 6 }, { arbitrary: hostileNumber, weight: 1 }),
        length: fc.nat(30),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

const instagramEvent = fc.oneof(
  fc.record(
    {
      timestamp: fc.oneof(
        { arbitrary: epoch.map((s) => s * 1000), weight: 6 },
        { arbitrary: hostileNumber, weight: 1 },
      ),
      message: fc.record(
        {
          mid: idText,
          text: fc.oneof({ arbitrary: text, weight: 6 }, { arbitrary: anyJson, weight: 1 }),
          attachments: fc.array(
            fc.record({
              type: fc.constantFrom("image", "video", "x"),
              payload: fc.record({ url: fc.constantFrom("https://lookaside.fbsbx.com/a.jpg", "http://127.0.0.1/x") }),
            }),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: ["mid"] },
      ),
    },
    { requiredKeys: ["message"] },
  ),
  fc.record({ postback: fc.record({ payload: hostileString, title: hostileString }) }),
  fc.record({
    reaction: fc.record({ mid: idText, action: fc.constantFrom("react", "unreact", "x"), emoji: hostileString }),
  }),
  fc.record({ read: fc.record({ mid: idText }) }),
);

/** Provider bodies that are mostly right, with the occasional wholly arbitrary one. */
const providerBody = (provider: Provider): fc.Arbitrary<string> => {
  const shaped =
    provider === "whatsapp"
      ? whatsappMessage.map((m) => whatsappBody(m))
      : provider === "telegram"
        ? telegramMessage.map((m) => telegramBody(m))
        : instagramEvent.map((e) => instagramBody(e));
  return fc.oneof(
    { arbitrary: shaped, weight: 8 },
    { arbitrary: anyJson.map((v) => JSON.stringify(v) ?? "null"), weight: 1 },
    { arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }), weight: 1 },
    { arbitrary: deepJson, weight: 1 },
  );
};

/** A provider's POST, signed most of the time; or its GET verification handshake with random query. */
export const webhookRequest = (world: FuzzWorld): fc.Arbitrary<RequestSpec> =>
  fc
    .constantFrom<Provider | "web">(
      "whatsapp",
      "whatsapp",
      "whatsapp",
      "instagram",
      "instagram",
      "instagram",
      "telegram",
      "telegram",
      "telegram",
      "web",
    )
    .chain((provider) => {
      const channelId = fc.oneof(
        { arbitrary: fc.constant(world.channels[provider]), weight: 8 },
        { arbitrary: encoded(hostileString), weight: 1 },
        { arbitrary: fc.constantFrom(...Object.values(world.channels)), weight: 1 },
      );
      if (provider === "web") {
        return fc.record({ channelId, body: bodyText(anyJson) }).map(({ channelId: id, body }) => ({
          area: "webhook web",
          method: "POST",
          url: `http://x/webhooks/web/${id}`,
          headers: {},
          body,
        }));
      }
      const post = fc
        .record({
          channelId,
          body: providerBody(provider),
          signed: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
          suffix: sometimes(encoded(hostileString), 12),
        })
        .map(({ channelId: id, body, signed, suffix }): RequestSpec => ({
          area: `webhook ${provider} ${signed ? "signed" : "unsigned"}`,
          method: "POST",
          url: `http://x/webhooks/${provider}/${id}${suffix ?? ""}`,
          headers: {},
          body,
          sign: signed ? provider : undefined,
          channelId: id,
        }));
      const verify = fc
        .record({
          channelId,
          mode: encoded(hostileString),
          token: encoded(fc.oneof(hostileString, fc.constant("wa-verify"), fc.constant("ig-verify"))),
          challenge: encoded(hostileString),
        })
        .map(({ channelId: id, mode, token, challenge }): RequestSpec => ({
          area: `webhook ${provider} verify`,
          method: "GET",
          url: `http://x/webhooks/${provider}/${id}?hub.mode=${mode}&hub.verify_token=${token}&hub.challenge=${challenge}`,
          headers: {},
        }));
      return fc.oneof({ arbitrary: post, weight: 5 }, { arbitrary: verify, weight: 1 });
    });

const clientId = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/), hostileString);
const widgetFrame = fc.oneof(
  fc.record(
    {
      token: fc.oneof(fc.constant(""), hostileString),
      type: fc.constant("send"),
      id: clientId,
      text: fromSchema({ type: "string" }),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record({
    token: hostileString,
    type: fc.constant("send"),
    id: clientId,
    button: fc.record({ id: hostileString, title: hostileString }),
  }),
  fc.record({ type: fc.constantFrom("ping", "hello", "") }),
  anyJson,
);

/** The widget's endpoints: embed.js, site settings, the demo page, sync and send, from allowed and other origins. */
export const widgetRequest = (world: FuzzWorld): fc.Arbitrary<RequestSpec> => {
  const brand = fc.oneof(
    { arbitrary: fc.constant(world.brandId), weight: 4 },
    { arbitrary: encoded(hostileString), weight: 1 },
  );
  const origin = fc.constantFrom(world.origin, world.origin, "https://evil.example", "null", "");
  return fc.oneof(
    fc
      .record({
        path: fc.constantFrom("/widget/sync", "/widget/send"),
        method: fc.constantFrom("POST", "POST", "OPTIONS", "GET"),
        brand,
        origin,
        body: bodyText(widgetFrame),
      })
      .map(({ path, method, brand: b, origin: o, body }): RequestSpec => ({
        area: `widget ${path}`,
        method,
        url: `http://x${path}?brand=${b}`,
        headers: o ? { origin: o, "content-type": "text/plain" } : {},
        body: method === "POST" ? body : undefined,
      })),
    fc
      .record({ path: fc.constantFrom("/embed.js?brand=", "/widget/site?brand=", "/demo/"), brand })
      .map(({ path, brand: b }): RequestSpec => ({
        area: `widget ${path.split("?")[0]}`,
        method: "GET",
        url: `http://x${path}${b}`,
        headers: {},
      })),
  );
};

export const toRequest = (spec: RequestSpec): Request => {
  if (spec.sign && spec.channelId !== undefined && spec.body !== undefined) {
    const signed = signedWebhook(spec.sign, "", spec.body);
    return new Request(spec.url, {
      method: spec.method,
      headers: { ...Object.fromEntries(signed.headers), ...spec.headers },
      body: spec.body,
    });
  }
  return new Request(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
};
