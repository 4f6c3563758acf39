// The web widget behind the balancer: a visitor whose socket is on one instance while its messages are
// posted to the other (the HTTP fallback, as a page whose socket went elsewhere does) must see every
// reply on that socket — replies travel from whichever instance delivered them through PostgreSQL
// NOTIFY. (The visitor's own messages are pushed only to sockets of the instance that took them.)
import postgres from "postgres";
import { run } from "../support/binary";
import type { XinUnderTest } from "./instance";

export const WIDGET_ORIGIN = "https://shop.example";
// Bun's WebSocket takes request headers (Origin); the DOM lib's constructor type does not say so.
const BunWebSocket = WebSocket as unknown as new (url: string, options?: Bun.WebSocketOptions) => WebSocket;
type Frame = {
  type: string;
  visitor_token?: string;
  message?: { id: string; role: string; text: string; client_id?: string };
};

/** Adds a web channel to the demo brand (through the first instance's CLI) and returns the brand id. */
export const addWidget = async (x: XinUnderTest): Promise<string> => {
  const r = run(
    x.xin,
    ["channel", "add", "web", "--origin", WIDGET_ORIGIN, "--brand", "shop", "--config", x.config, "--json"],
    { env: { HOME: `${x.config}/../..` } },
  );
  if (r.code !== 0) throw new Error(`channel add web failed: ${r.stderr}`);
  const sql = postgres(x.databaseUrl ?? "", { max: 1, onnotice: () => {} });
  try {
    const [brand] = await sql<{ id: string }[]>`select id from brands where slug = 'shop'`;
    return brand.id;
  } finally {
    await sql.end();
  }
};

/** A visitor's socket on `x`: its frames as they arrive. */
export const openVisitor = async (x: XinUnderTest, brandId: string) => {
  const frames: Frame[] = [];
  const ws = new BunWebSocket(`${x.url.replace(/^http/, "ws")}/widget/ws?brand=${brandId}`, {
    headers: { Origin: WIDGET_ORIGIN },
  });
  ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)) as Frame);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("widget socket refused"));
  });
  for (const deadline = Date.now() + 10_000; !frames.some((f) => f.type === "ready"); await Bun.sleep(20)) {
    if (Date.now() > deadline) throw new Error("no ready frame");
  }
  const token = frames.find((f) => f.type === "ready")?.visitor_token ?? "";
  return {
    token,
    frames,
    replies: () => frames.filter((f) => f.type === "message" && f.message?.role === "assistant").map((f) => f.message!),
    close: () => ws.close(),
  };
};

/** Posts a visitor message through `x`'s HTTP fallback. */
export const postVisitorMessage = async (
  x: XinUnderTest,
  brandId: string,
  token: string,
  id: string,
  text: string,
): Promise<number> => {
  const r = await fetch(`${x.url}/widget/send?brand=${brandId}`, {
    method: "POST",
    headers: { origin: WIDGET_ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ token, type: "send", id, text }),
  });
  await r.arrayBuffer();
  return r.status;
};

/** The visitor's history as `x` serves it (`/widget/sync`), oldest first. */
export const syncVisitor = async (
  x: XinUnderTest,
  brandId: string,
  token: string,
): Promise<{ id: string; role: string; text: string }[]> => {
  const r = await fetch(`${x.url}/widget/sync?brand=${brandId}`, {
    method: "POST",
    headers: { origin: WIDGET_ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  return ((await r.json()) as { messages: { id: string; role: string; text: string }[] }).messages;
};
