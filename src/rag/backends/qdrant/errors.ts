import { XinError, type XinErrorOptions } from "../../../runtime";

/**
 * What a failed Qdrant call becomes. Codes (stable, matched by callers and the job runner):
 * - `rag.backend_unreachable` (503, retryable): connection refused/reset, DNS, timeout.
 * - `rag.backend_busy` (503, retryable, `retryAfterMs` when Qdrant sent Retry-After): 429.
 * - `rag.backend_failed` (502, retryable): Qdrant answered 5xx.
 * - `rag.backend_rejected` (500, final): Qdrant answered 4xx to a request we built, a bug or a
 *   collection that does not match the configuration; retrying cannot help.
 * - `rag.vector_invalid` (400, final): the query vector does not fit the collection.
 * The message names the operation and Qdrant's own error text (which never contains payload
 * values); the original error is kept as `cause` for the log.
 */
export class QdrantBackendError extends XinError {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(code: string, message: string, options: XinErrorOptions & { retryable: boolean; retryAfterMs?: number }) {
    super(code, message, options);
    this.name = "QdrantBackendError";
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

type HttpLike = {
  status?: unknown;
  data?: unknown;
  retry_after?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
};

// Qdrant's error body is `{ status: { error } }`; the client keeps it as `data`.
const qdrantText = (data: unknown): string | undefined => {
  if (typeof data !== "object" || data === null) return undefined;
  const status = (data as { status?: unknown }).status;
  if (typeof status !== "object" || status === null) return undefined;
  const error = (status as { error?: unknown }).error;
  return typeof error === "string" ? error.slice(0, 300) : undefined;
};

// Network failures surface as TypeError / DOMException / system errors depending on the runtime.
const NETWORK =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ETIMEDOUT|socket|connect|fetch failed|network/i;

/** Maps anything the Qdrant client threw during `operation` to a QdrantBackendError. */
export const toBackendError = (operation: string, e: unknown): QdrantBackendError => {
  if (e instanceof QdrantBackendError) return e;
  const err = (typeof e === "object" && e !== null ? e : {}) as HttpLike;
  const name = typeof err.name === "string" ? err.name : "";
  const status = typeof err.status === "number" ? err.status : undefined;
  const text = qdrantText(err.data);
  if (name === "QdrantClientTimeoutError" || name === "TimeoutError" || name === "AbortError") {
    return new QdrantBackendError("rag.backend_unreachable", `qdrant did not answer ${operation} in time`, {
      status: 503,
      retryable: true,
      cause: e,
    });
  }
  if (name === "QdrantClientResourceExhaustedError" || status === 429) {
    const seconds = Number(err.retry_after);
    const retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
    return new QdrantBackendError("rag.backend_busy", `qdrant is rate limiting ${operation}`, {
      status: 503,
      retryable: true,
      retryAfterMs,
      cause: e,
    });
  }
  if (status !== undefined && status >= 500) {
    return new QdrantBackendError(
      "rag.backend_failed",
      `qdrant failed ${operation} (${status}${text ? `: ${text}` : ""})`,
      { status: 502, retryable: true, cause: e },
    );
  }
  if (status !== undefined && status >= 400) {
    if (text && /dimension error/i.test(text)) {
      return new QdrantBackendError(
        "rag.vector_invalid",
        `the query embedding does not fit the qdrant collection (${text})`,
        { status: 400, retryable: false, cause: e },
      );
    }
    return new QdrantBackendError(
      "rag.backend_rejected",
      `qdrant rejected ${operation} (${status}${text ? `: ${text}` : ""})`,
      {
        status: 500,
        retryable: false,
        hint:
          status === 404
            ? "the collection is missing: start xin once so it creates it, or check rag.qdrant.collection"
            : undefined,
        cause: e,
      },
    );
  }
  const message = typeof err.message === "string" ? err.message : String(e);
  const causeText = err.cause instanceof Error ? err.cause.message : "";
  if (NETWORK.test(message) || NETWORK.test(causeText) || name === "TypeError") {
    return new QdrantBackendError("rag.backend_unreachable", `qdrant is unreachable (${operation})`, {
      status: 503,
      retryable: true,
      hint: "check rag.qdrant.url and that qdrant is running",
      cause: e,
    });
  }
  return new QdrantBackendError("rag.backend_failed", `qdrant call ${operation} failed unexpectedly`, {
    status: 502,
    retryable: true,
    cause: e,
  });
};

/** Runs one client call, translating its failure. */
export const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (e) {
    throw toBackendError(operation, e);
  }
};
