// A web-widget visitor as the browser's embed.js behaves (src/gateway/widget/client/embed.js): it keeps
// the visitor token from `ready`, keeps every message it typed pending until xin echoes it back (a
// `message` with its `client_id`, live or in the history), reconnects when the socket drops (1 s, doubling
// up to 15 s, reset by `ready`) and resends what is pending after each `ready`, with the same ids, or
// after the pause an `unavailable` error names (xin's store is down). Every
// assistant message it is shown is recorded once per message id, as the widget renders it once.

type Wire = { id: string; role: "visitor" | "assistant"; text: string; client_id?: string };
type Frame =
  | { type: "ready"; visitor_token: string }
  | { type: "history"; messages: Wire[] }
  | { type: "message"; message: Wire }
  | { type: "error"; code: string; client_id?: string }
  | { type: string };

export class WidgetVisitor {
  private token = "";
  private socket: WebSocket | null = null;
  private retryMs = 1000;
  private closed = false;
  private readonly pending = new Map<string, { type: "send"; id: string; text: string }>();
  /** Assistant messages shown, by message id, in the order they first arrived. */
  readonly replies = new Map<string, string>();
  /** Sends xin refused with an error naming them (the widget marks them failed: the visitor sees it). */
  readonly refused: string[] = [];
  reconnects = 0;
  /** Sends xin answered `unavailable` (store down): kept pending and sent again. */
  deferred = 0;

  constructor(
    private readonly base: string,
    private readonly brandId: string,
    private readonly origin: string,
    /** Called with every reply text the first time its message id is shown. */
    private readonly onReply: (text: string) => void = () => {},
  ) {}

  /** Opens the chat (the first socket) and types one message. */
  say(id: string, text: string): void {
    this.pending.set(id, { type: "send", id, text });
    if (this.socket) this.transmit(id);
    else this.connect();
  }

  /** Opens the chat without typing: the socket is connected (and kept) once this resolves. */
  async open(timeoutMs = 10_000): Promise<void> {
    if (!this.socket) this.connect();
    const deadline = Date.now() + timeoutMs;
    while (!this.token || this.socket?.readyState !== WebSocket.OPEN) {
      if (Date.now() > deadline) throw new Error("widget: the socket did not open");
      await Bun.sleep(20);
    }
  }

  /** Whether xin has stored everything typed (each echoed back, or refused). */
  get settled(): boolean {
    return this.pending.size === 0;
  }

  /** The tab is closed: no more reconnects. */
  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  /** What a reload of the page shows: the history over the HTTP fallback, merged like a render. */
  async reload(): Promise<void> {
    const r = await fetch(`${this.base}/widget/sync?brand=${encodeURIComponent(this.brandId)}`, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: this.origin },
      body: JSON.stringify({ token: this.token }),
    });
    if (!r.ok) throw new Error(`widget sync: ${r.status} ${await r.text()}`);
    const body = (await r.json()) as { messages: Wire[] };
    body.messages.forEach((m) => this.render(m));
  }

  private connect(): void {
    if (this.closed) return;
    const url = `${this.base.replace(/^http/, "ws")}/widget/ws?brand=${encodeURIComponent(this.brandId)}&token=${encodeURIComponent(this.token)}`;
    // Bun's WebSocket takes headers: a browser always sends the page's Origin on the upgrade.
    const socket = new WebSocket(url, { headers: { origin: this.origin } } as unknown as string[]);
    this.socket = socket;
    socket.onmessage = (e) => this.onFrame(JSON.parse(String(e.data)) as Frame);
    socket.onclose = () => {
      if (this.socket === socket) this.socket = null;
      if (this.closed) return;
      this.reconnects += 1;
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15_000);
    };
    socket.onerror = () => {}; // followed by close
  }

  private onFrame(f: Frame): void {
    if (f.type === "ready") {
      this.token = (f as { visitor_token: string }).visitor_token;
      this.retryMs = 1000;
      for (const id of this.pending.keys()) this.transmit(id);
    } else if (f.type === "history") (f as { messages: Wire[] }).messages.forEach((m) => this.render(m));
    else if (f.type === "message") this.render((f as { message: Wire }).message);
    else if (f.type === "error") {
      const {
        client_id: id,
        code,
        retry_after_ms: wait,
      } = f as { code: string; client_id?: string; retry_after_ms?: number };
      // xin's store is briefly unreachable: still pending, sent again after the pause it names.
      if (id && code === "unavailable") {
        this.deferred += 1;
        setTimeout(() => this.transmit(id), wait ?? 1000);
      } else if (id && this.pending.delete(id)) this.refused.push(`${id}:${code}`);
    }
  }

  private render(m: Wire): void {
    if (m.client_id) this.pending.delete(m.client_id);
    if (m.role !== "assistant" || this.replies.has(m.id)) return;
    this.replies.set(m.id, m.text);
    this.onReply(m.text);
  }

  private transmit(id: string): void {
    const frame = this.pending.get(id);
    if (frame && this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }
}
