/**
 * `models`: the model ids an endpoint serves (`GET /models`), for `xin status` and config checks
 * ("is llm.model served there?"). One attempt, no retries: a probe should report the endpoint as it
 * is now. Bounded by the client's timeout; failures are `LlmError`s like every other call.
 */
import type OpenAI from "openai";
import { z } from "zod";
import { CallScope } from "./call-scope";
import { toLlmError, type ServiceLabel } from "./classify";
import { parseWire } from "./wire";

const modelsWire = z.object({ data: z.array(z.object({ id: z.string() }).loose()) }).loose();

export const listModels = async (sdk: OpenAI, timeoutMs: number, service: ServiceLabel, signal?: AbortSignal): Promise<string[]> => {
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
