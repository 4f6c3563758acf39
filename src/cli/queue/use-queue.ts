import { useCallback, useEffect, useState } from "react";
import { isFailure, type QueueApi } from "./queue-api";
import type { QueueItem, QueueMe } from "./types";

export type Connection =
  | { state: "connecting" }
  | { state: "live"; at: number }
  | { state: "reconnecting"; attempt: number; retryInMs: number; message: string }
  | { state: "unauthorized"; message: string };

/** Backoff after a failed poll: quick first retries, capped so recovery is noticed within 5 s. */
export const retryDelay = (attempt: number) => Math.min(5000, 500 * 2 ** Math.max(0, attempt - 1));

/**
 * The open escalations, polled. While the server is away the last list stays on screen (marked stale
 * by the connection state) and polling continues with backoff until it answers again: the screen
 * recovers by itself and nothing typed in the meantime is touched.
 */
export const useQueue = (api: QueueApi, pollMs: number) => {
  const [items, setItems] = useState<QueueItem[]>([]);
  const [me, setMe] = useState<QueueMe | null>(null);
  const [connection, setConnection] = useState<Connection>({ state: "connecting" });
  const [kick, setKick] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let known: QueueMe | null = null;
    const poll = async () => {
      try {
        known ??= await api.me();
        const list = await api.list();
        if (stopped) return;
        setMe(known);
        setItems(list);
        failures = 0;
        setConnection({ state: "live", at: Date.now() });
      } catch (e) {
        if (stopped) return;
        failures += 1;
        const message = isFailure(e) ? e.message : String(e);
        setConnection(
          isFailure(e) && e.kind === "unauthorized"
            ? { state: "unauthorized", message }
            : { state: "reconnecting", attempt: failures, retryInMs: retryDelay(failures), message },
        );
      }
      if (!stopped) timer = setTimeout(poll, failures ? retryDelay(failures) : pollMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, pollMs, kick]);

  const refresh = useCallback(() => setKick((k) => k + 1), []);

  // Server-sent events make changes show at once; a dropped stream is reopened after a pause.
  useEffect(() => {
    const abort = new AbortController();
    let debounce: ReturnType<typeof setTimeout> | undefined;
    const onChange = () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => setKick((k) => k + 1), 150);
    };
    void (async () => {
      while (!abort.signal.aborted) {
        await api.watch(onChange, abort.signal);
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    return () => {
      abort.abort();
      clearTimeout(debounce);
    };
  }, [api]);
  return { items, me, connection, refresh };
};
