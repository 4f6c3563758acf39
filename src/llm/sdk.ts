/**
 * Builds the `openai` SDK client the way xin needs it:
 * - retries off (`maxRetries: 0`): ours (retry.ts) are the only ones, so attempts are countable and
 *   bounded by our deadline;
 * - the SDK timeout set well past ours, so our AbortSignal always fires first and names the error;
 * - every setting passed explicitly, so the SDK's environment fallbacks (OPENAI_API_KEY,
 *   OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_LOG) never apply: config is the only
 *   source (STYLE §5). (OPENAI_CUSTOM_HEADERS is still read by the SDK; the test preload clears it.)
 * - no key configured (local servers): the SDK insists on a credential, so it gets a placeholder that
 *   our fetch wrapper removes, and the endpoint sees no Authorization header at all.
 */
import OpenAI from "openai";
import { z } from "zod";
import { CallScope } from "./call-scope";
import { toLlmError, type ServiceLabel } from "./classify";
import { parseWire } from "./wire";
import { tracedFetch } from "../runtime";

export type SdkOptions = {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
};

const PLACEHOLDER_KEY = "xin-no-key";

export const createSdk = (options: SdkOptions): OpenAI => {
  // Every call carries the active trace (`traceparent`) to the endpoint; tracing off, the fetch as is.
  const baseFetch = tracedFetch(options.fetch ?? fetch);
  const hasKey = options.apiKey !== undefined && options.apiKey.length > 0;
  const keyless = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    headers.delete("authorization");
    return baseFetch(input, { ...init, headers });
  };
  return new OpenAI({
    baseURL: options.baseUrl,
    apiKey: hasKey ? options.apiKey : PLACEHOLDER_KEY,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: options.timeoutMs * 2 + 1_000,
    logLevel: "off",
    fetch: hasKey ? baseFetch : keyless,
  });
};

const modelsWire = z.object({ data: z.array(z.object({ id: z.string() }).loose()) }).loose();

/**
 * The model ids an endpoint serves (`GET /models`), for `xin status` and config checks ("is
 * llm.model served there?"). One attempt, no retries: a probe should report the endpoint as it is
 * now. Bounded by the client's timeout; failures are `LlmError`s like every other call.
 */
export const listModels = async (
  sdk: OpenAI,
  timeoutMs: number,
  service: ServiceLabel,
  signal?: AbortSignal,
): Promise<string[]> => {
  const scope = new CallScope(timeoutMs, signal);
  try {
    const page: unknown = await sdk.models.list({ signal: scope.signal });
    return parseWire(modelsWire, page, service, "model list").data.map((m) => m.id);
  } catch (thrown) {
    throw toLlmError(thrown, scope, service, 1);
  } finally {
    scope.dispose();
  }
};
