/**
 * The recording, scriptable core of the fake provider servers: `Bun.serve` on 127.0.0.1, port 0.
 * Every request is recorded (method, path, headers, body as JSON, form fields or text). A test scripts
 * the next answers with `script(...)`: a given status/body/headers, or `hang` (never answers until the
 * client gives up or the fake stops), or puts the fake down for a while with `outage(...)`. Other
 * requests get the fake's documented default answer.
 */
export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or the fields of a urlencoded/multipart body (files as `{ name, type, size, text }`). */
  body: Record<string, unknown> | undefined;
  /** When the request arrived (epoch ms): a test can tell whether a client waited as it was told. */
  at: number;
  /** The HTTP status the fake answered with (unset while it is being answered, or hanging). */
  status?: number;
};

export type ScriptedReply = { status: number; body?: unknown; headers?: Record<string, string> } | { hang: true };

type Script = { reply: ScriptedReply; matches: (r: RecordedRequest) => boolean };

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export type FakeServer = {
  url: string;
  requests: RecordedRequest[];
  /** Queue answers for the next matching requests (default: any request), consumed in order. */
  script(reply: ScriptedReply | ScriptedReply[], matches?: (r: RecordedRequest) => boolean): void;
  /**
   * An outage that lasts until `outage(null)`: every matching request not taken by a queued script gets
   * the next of `replies`, round-robin. A provider that is down fails for a while, not for a count of
   * requests, and a client's retries must not use the failures up.
   */
  outage(replies: ScriptedReply[] | null, matches?: (r: RecordedRequest) => boolean): void;
  /** Resolves when at least `count` requests were recorded (no sleeping in tests). */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  reset(): void;
  stop(): Promise<void>;
};

const readBody = async (request: Request): Promise<{ text: string; body: Record<string, unknown> | undefined }> => {
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) {
    const form = await request.formData();
    const body: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      if (typeof value === "string") {
        body[key] = value;
        continue;
      }
      const file = value as unknown as File;
      body[key] = { name: file.name, type: file.type, size: file.size, text: await file.text() };
    }
    return { text: "", body };
  }
  const text = await request.text();
  try {
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : undefined;
    return {
      text,
      body: parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined,
    };
  } catch {
    return { text, body: undefined };
  }
};

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export const startFakeServer = (handler: Handler): FakeServer => {
  const requests: RecordedRequest[] = [];
  const scripts: Script[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const hanging = new Set<() => void>();
  let down: { replies: ScriptedReply[]; next: number; matches: (r: RecordedRequest) => boolean } | null = null;

  const answer = (reply: ScriptedReply, request: Request): Response | Promise<Response> => {
    if (!("hang" in reply)) return json(reply.status, reply.body ?? {}, reply.headers);
    return new Promise<Response>((resolve) => {
      const release = () => resolve(json(503, { hung: true }));
      hanging.add(release);
      request.signal.addEventListener("abort", () => hanging.delete(release));
    });
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch: async (request) => {
      const at = Date.now();
      const url = new URL(request.url);
      const { text, body } = await readBody(request);
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        text,
        body,
        at,
      };
      requests.push(recorded);
      for (const w of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const index = scripts.findIndex((s) => s.matches(recorded));
      const response =
        index !== -1
          ? await answer(scripts.splice(index, 1)[0].reply, request)
          : down?.matches(recorded)
            ? await answer(down.replies[down.next++ % down.replies.length], request)
            : await handler(recorded);
      recorded.status = response.status;
      return response;
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    script(reply, matches = () => true) {
      for (const r of Array.isArray(reply) ? reply : [reply]) scripts.push({ reply: r, matches });
    },
    outage(replies, matches = () => true) {
      down = replies?.length ? { replies, next: 0, matches } : null;
    },
    waitForRequests(count, timeoutMs = 5000) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake saw ${requests.length} of ${count} requests`)),
          timeoutMs,
        );
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    reset() {
      requests.length = 0;
      scripts.length = 0;
      down = null;
    },
    async stop() {
      for (const release of hanging) release();
      hanging.clear();
      await server.stop(true);
    },
  };
};
