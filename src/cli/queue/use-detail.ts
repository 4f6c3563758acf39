import { useEffect, useState } from "react";
import type { QueueApi } from "./queue-api";
import type { QueueDetail } from "./types";

/**
 * The selected escalation in full (transcript, draft, sources), reloaded when the selection changes or
 * the list refreshes (`version`). A failed load keeps the last good detail on screen.
 */
export const useDetail = (api: QueueApi, id: string | null, version: number): QueueDetail | null => {
  const [detail, setDetail] = useState<QueueDetail | null>(null);
  useEffect(() => {
    if (!id) {
      setDetail(null);
      return;
    }
    let stale = false;
    api.detail(id).then(
      (d) => !stale && setDetail(d),
      () => {}, // the list's connection state already says the server is away
    );
    return () => {
      stale = true;
    };
  }, [api, id, version]);
  return detail?.id === id ? detail : null;
};
