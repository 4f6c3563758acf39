/**
 * Authenticated Graph API calls for WhatsApp and Instagram: bearer token, JSON or multipart body, and
 * every non-2xx answer converted by `classifyGraphFailure`.
 */
import type { ChannelContext } from "../types";
import { providerRequest, type RequestBody } from "../http";
import { classifyGraphFailure } from "./graph-error";

export type GraphCredentials = { access_token: string };

const joinUrl = (baseUrl: string, path: string): string => `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;

/** Resolves with the parsed JSON of a 2xx answer; rejects with a classified `ChannelError`. */
export const graphCall = async <C extends GraphCredentials>(
  ctx: ChannelContext<C>,
  method: "GET" | "POST",
  path: string,
  body: RequestBody,
): Promise<unknown> => {
  const response = await providerRequest(ctx, method, joinUrl(ctx.baseUrl, path), body, {
    authorization: `Bearer ${ctx.credentials.access_token}`,
  });
  if (response.status >= 200 && response.status < 300) return response.json;
  throw classifyGraphFailure(response.status, response.headers, response.json);
};
