// Delivers webhooks the way Meta and Telegram do: each one is posted until it is acknowledged with a
// 2xx — refused connections, 5xx and timeouts (xin killed or restarting) are retried after a pause —
// and a share of them is delivered a second time after its ack, as providers occasionally do.

/** `url` as a function is asked again for every attempt: a load balancer's choice among instances. */
export type Webhook = { url: string | (() => string); headers: Record<string, string>; body: string };

export class Courier {
  private readonly pending: { hook: Webhook; acked?: () => void }[] = [];
  private inFlight = 0;
  acked = 0;
  retries = 0;
  duplicates = 0;

  constructor(
    private readonly options: { concurrency: number; retryMs: number; duplicateShare: number; random: () => number },
  ) {}

  /** Queues a webhook; it is posted until acknowledged. */
  deliver(hook: Webhook): void {
    this.pending.push({ hook });
    this.pump();
  }

  /** Queues a webhook and resolves once it is acknowledged (a customer who waits to type the next one). */
  send(hook: Webhook): Promise<void> {
    return new Promise((acked) => {
      this.pending.push({ hook, acked });
      this.pump();
    });
  }

  get idle(): boolean {
    return this.pending.length === 0 && this.inFlight === 0;
  }

  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.idle) {
      if (Date.now() > deadline)
        throw new Error(`courier: ${this.pending.length + this.inFlight} webhooks never acknowledged`);
      await Bun.sleep(50);
    }
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.pending.length > 0) {
      const { hook, acked } = this.pending.shift()!;
      this.inFlight += 1;
      void this.post(hook, false, acked).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async post(hook: Webhook, duplicate = false, acked?: () => void): Promise<void> {
    for (;;) {
      const url = typeof hook.url === "function" ? hook.url() : hook.url;
      const ok = await fetch(url, {
        method: "POST",
        headers: hook.headers,
        body: hook.body,
        signal: AbortSignal.timeout(5000),
      }).then(
        async (r) => (await r.arrayBuffer(), r.ok),
        () => false,
      );
      if (ok) break;
      this.retries += 1;
      await Bun.sleep(this.options.retryMs);
    }
    if (duplicate) {
      this.duplicates += 1;
      return;
    }
    this.acked += 1;
    acked?.();
    if (this.options.random() < this.options.duplicateShare) await this.post(hook, true);
  }
}
